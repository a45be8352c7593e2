import Foundation
import Testing
@testable import MediaModel
@testable import Simulation
import Sampling

@Suite struct ResponseCurveTests {
    /// A small fitted posterior to take curves from (short run: only the curves' arithmetic is tested).
    func posterior(_ saturation: SaturationKind) throws -> Posterior {
        let history = fourChannelTruth(saturation: saturation, periods: 60).simulate(seed: 4)
        var spec = ModelSpecification()
        spec.saturation = saturation
        var config = SamplerConfiguration()
        config.chains = 2; config.warmup = 100; config.draws = 20; config.seed = 4
        return try Posterior(model: try MediaMixModel(data: history.dataset, specification: spec), configuration: config)
    }

    /// Horizons shorter than, equal to, one past and well past the carryover length 8: no plateau,
    /// a plateau of one period (not folded), and folded plateaus of 2 and 6 periods.
    static let horizons = [3, 8, 9, 13]

    @Test(arguments: SaturationKind.allCases, horizons)
    func curvesMatchTheModelOnAFlatFlight(saturation: SaturationKind, horizon: Int) throws {
        let post = try posterior(saturation)
        let curves = post.responseCurves(horizon: horizon)
        let lags = post.model.specification.maxLag
        for (c, curve) in curves.enumerated() {
            let budget = 1.7 * post.model.data.totalSpend[c] / Double(post.model.data.periods) * Double(horizon)
            var values = [Double](repeating: 0, count: curve.drawCount), slopes = values
            curve.evaluate(budget: budget, values: &values, slopes: &slopes)
            for d in [0, 7, 39] {
                // The same flight through the model: spend b/H for H periods, then nothing.
                let weekly = budget / Double(horizon) / post.model.scales.spend[c]
                let flight = Array(repeating: weekly, count: horizon) + Array(repeating: 0, count: lags - 1)
                let s = post.model.saturatedSpend(channel: c, theta: post.unconstrainedDraws[d], spend: flight)
                let expected = post.draws[d].beta[c] * s.reduce(0, +)
                #expect(abs(values[d] - expected) <= 1e-9 * abs(expected), "\(saturation) H=\(horizon) channel \(c) draw \(d): \(values[d]) vs \(expected)")
            }
            // A subset of draws is the same curve on those draws, bit for bit.
            let picked = [39, 0, 7, 7]
            var subValues = [Double](repeating: 0, count: picked.count), subSlopes = subValues
            curve.subset(picked).evaluate(budget: budget, values: &subValues, slopes: &subSlopes)
            #expect(subValues == picked.map { values[$0] } && subSlopes == picked.map { slopes[$0] })
        }
    }

    @Test(arguments: SaturationKind.allCases, horizons)
    func slopesMatchCentralDifferences(saturation: SaturationKind, horizon: Int) throws {
        let post = try posterior(saturation)
        for curve in post.responseCurves(horizon: horizon) {
            let n = curve.drawCount
            for budget in [curve.spendScale * 2, curve.spendScale * 13, curve.spendScale * 40] {
                var v = [Double](repeating: 0, count: n), s = v, up = v, down = v, scratch = v
                curve.evaluate(budget: budget, values: &v, slopes: &s)
                let h = 1e-6 * budget
                curve.evaluate(budget: budget + h, values: &up, slopes: &scratch)
                curve.evaluate(budget: budget - h, values: &down, slopes: &scratch)
                for d in 0..<n {
                    let numeric = (up[d] - down[d]) / (2 * h)
                    #expect(abs(numeric - s[d]) <= 1e-5 * max(abs(s[d]), 1e-12), "\(saturation) H=\(horizon) \(curve.channel) draw \(d)")
                }
            }
        }
    }
}
