import Foundation
import Testing
@testable import MediaModel
@testable import Simulation
import Sampling

@Suite struct ScheduleCurveTests {
    /// A small fitted posterior to take curves from (short run: only the arithmetic is tested).
    /// With `timeVarying`, tv and search have time-varying effects and the baseline drifts.
    func posterior(timeVarying: Bool = false) throws -> Posterior {
        let history = fourChannelTruth(saturation: .hill, periods: 60).simulate(seed: 4)
        var config = SamplerConfiguration()
        config.chains = 2; config.warmup = 100; config.draws = 20; config.seed = 4
        var spec = ModelSpecification()
        if timeVarying { spec.timeVariation = TimeVariation(media: .channels(["tv", "search"]), intercept: true) }
        return try Posterior(model: try MediaMixModel(data: history.dataset, specification: spec), configuration: config)
    }

    func schedule(_ post: Posterior, channel c: Int, horizon: Int, seed: Int) -> [Double] {
        let weekly = post.model.data.totalSpend[c] / Double(post.model.data.periods)
        return (0..<horizon).map { t -> Double in
            let step = Double((seed * 7 + t * 5) % 11)
            return weekly * (0.2 + 0.16 * step)
        }
    }

    @Test func evenSpendWithoutHistoryIsTheFlatCurve() throws {
        let post = try posterior()
        let H = 13
        let flat = post.responseCurves(horizon: H), curves = post.scheduleCurves(periods: H, carryIn: false)
        for c in curves.indices {
            let budget = 1.3 * post.model.data.totalSpend[c] / Double(post.model.data.periods) * Double(H)
            let D = curves[c].drawCount
            var v = [Double](repeating: 0, count: D), s = v, w = v, g = [Double](repeating: 0, count: D * H)
            flat[c].evaluate(budget: budget, values: &v, slopes: &s)
            let even = [Double](repeating: budget / Double(H), count: H)
            curves[c].evaluate(spend: even, values: &w, gradients: &g)
            for d in 0..<D {
                let weekly = budget / Double(H) / post.model.scales.spend[c]
                let flight = Array(repeating: weekly, count: H) + Array(repeating: 0, count: post.model.specification.maxLag - 1)
                let model = post.draws[d].beta[c] * post.model.saturatedSpend(channel: c, theta: post.unconstrainedDraws[d], spend: flight).reduce(0, +)
                #expect(abs(w[d] - v[d]) <= 1e-9 * abs(v[d]), "channel \(c) draw \(d): \(w[d]) vs \(v[d]) model \(model)")
                let slope = (0..<H).reduce(0) { $0 + g[d * H + $1] } / Double(H)
                #expect(abs(slope - s[d]) <= 1e-9 * abs(s[d]), "channel \(c) draw \(d): slope \(slope) vs \(s[d])")
            }
        }
    }

    @Test(arguments: [false, true])
    func carryInFromHistoryIsTheModelRunOnThroughThePlan(timeVarying: Bool) throws {
        let post = try posterior(timeVarying: timeVarying)
        let H = 6, L = post.model.specification.maxLag, T = post.model.periods
        for (c, curve) in post.scheduleCurves(periods: H, carryIn: true).enumerated() {
            let plan = schedule(post, channel: c, horizon: H, seed: c)
            var values = [Double](repeating: 0, count: curve.drawCount), g = [Double](repeating: 0, count: curve.drawCount * H)
            curve.evaluate(spend: plan, values: &values, gradients: &g)
            let parts = curve.breakdown(spend: plan)
            let scale = post.model.scales.spend[c]
            let past = post.model.data.spend[c].suffix(L - 1).map { $0 / scale }
            // Each counted period's multiplier (1 for a constant effect).
            let m = post.effectiveness(channel: c, periods: T..<(T + H + L - 1)) ?? Array(repeating: Array(repeating: 1, count: H + L - 1), count: curve.drawCount)
            #expect((post.effectiveness(channel: c, periods: 0..<1) != nil) == (timeVarying && c < 2))
            for d in [0, 13, 39] {
                // The model's own carryover over the history, the plan and its tail; only the plan
                // window and tail are counted.
                func counted(_ x: [Double]) -> [Double] {
                    Array(post.model.saturatedSpend(channel: c, theta: post.unconstrainedDraws[d], spend: past + x + Array(repeating: 0, count: L - 1)).dropFirst(L - 1))
                }
                let beta = post.draws[d].beta[c]
                let with = zip(counted(plan.map { $0 / scale }), m[d]).map { $0 * $1 }
                let alone = zip(counted(Array(repeating: 0, count: H)), m[d]).map { $0 * $1 }
                let bought = beta * (with.reduce(0, +) - alone.reduce(0, +))
                // The model's own forward pass floors a zero input at a negligible spend, which a
                // Hill slope below 1 turns into s ≈ 1e-6: a millionth of β per period at most.
                let floor = 1e-6 * beta
                #expect(abs(values[d] - bought) <= 1e-9 * abs(bought) + floor, "channel \(c) draw \(d): \(values[d]) vs \(bought)")
                #expect(abs(parts.carryIn[d] - beta * alone.reduce(0, +)) <= 1e-9 * abs(parts.carryIn[d]) + floor)
                for t in 0..<H { #expect(abs(parts.arriving[d * H + t] - beta * with[t]) <= 1e-9 * abs(beta * with[t]) + 1e-12) }
                let attributed = (0..<H).reduce(0) { $0 + parts.bySpendPeriod[d * H + $1] }
                #expect(abs(attributed - values[d]) <= 1e-9 * abs(values[d]), "the periods' shares add up to what the plan buys")
            }
        }
    }

    @Test(arguments: [false, true])
    func gradientsMatchCentralDifferences(timeVarying: Bool) throws {
        let post = try posterior(timeVarying: timeVarying)
        let H = 9
        for (c, curve) in post.scheduleCurves(periods: H, carryIn: true).enumerated() {
            let plan = schedule(post, channel: c, horizon: H, seed: 3 + c)
            let D = curve.drawCount
            var v = [Double](repeating: 0, count: D), g = [Double](repeating: 0, count: D * H), up = v, down = v
            curve.evaluate(spend: plan, values: &v, gradients: &g)
            for t in 0..<H {
                let h = 1e-5 * plan[t]
                var a = plan, b = plan
                a[t] += h; b[t] -= h
                curve.evaluate(spend: a, values: &up, gradients: nil)
                curve.evaluate(spend: b, values: &down, gradients: nil)
                for d in 0..<D {
                    let numeric = (up[d] - down[d]) / (2 * h)
                    #expect(abs(numeric - g[d * H + t]) <= 1e-5 * max(abs(g[d * H + t]), 1e-9), "channel \(c) period \(t) draw \(d)")
                }
            }
        }
    }

    @Test(arguments: [false, true])
    func baselineRecoversTheFittedMeanLessMedia(timeVarying: Bool) throws {
        let post = try posterior(timeVarying: timeVarying)
        let T = post.model.data.periods
        for d in [0, 21, 39] {
            let values = post.model.constrained(post.unconstrainedDraws[d])
            let draw = post.draws[d]
            for t in [0, T / 2, T - 1] {
                let controls = post.model.data.controls.map { $0[t] }
                let baseline = post.model.baseline(draw: values, intercept: draw.intercept, period: t, controls: controls)
                let expected = draw.fitted[t] - draw.contributions.reduce(0) { $0 + $1[t] }
                #expect(abs(baseline - expected) <= 1e-9 * abs(expected), "draw \(d) period \(t): \(baseline) vs \(expected)")
            }
        }
        #expect(post.baselineForecast(periods: 4).allSatisfy { $0.count == 4 && $0.allSatisfy(\.isFinite) })
    }

    /// A plan that starts `gap` periods after the data reads the multiplier from period T + gap on.
    @Test func aLaterStartReadsLaterWeeks() throws {
        let post = try posterior(timeVarying: true)
        let H = 5, L = post.model.specification.maxLag, T = post.model.periods, gap = 7
        let curve = post.scheduleCurves(periods: H, carryIn: false, gap: gap)[0]
        let m = try #require(post.effectiveness(channel: 0, periods: (T + gap)..<(T + gap + H + L - 1)))
        let spend = schedule(post, channel: 0, horizon: H, seed: 2)
        var values = [Double](repeating: 0, count: curve.drawCount)
        curve.evaluate(spend: spend, values: &values, gradients: nil)
        for d in [0, 17, 33] {
            let s = post.model.saturatedSpend(channel: 0, theta: post.unconstrainedDraws[d],
                                              spend: spend.map { $0 / post.model.scales.spend[0] } + Array(repeating: 0, count: L - 1))
            let expected = post.draws[d].beta[0] * zip(s, m[d]).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(values[d] - expected) <= 1e-9 * abs(expected) + 1e-6 * post.draws[d].beta[0], "draw \(d): \(values[d]) vs \(expected)")
        }
    }

    /// A flat curve without carry-in reads a time-varying channel at its multiplier averaged over
    /// the flight as it earns at the channel's average weekly spend: exact there, within 5% of
    /// the exact per-period reading at half or twice that spend.
    @Test func flatCurvesReadTheAverageMultiplier() throws {
        let post = try posterior(timeVarying: true)
        let H = 13
        let flat = post.responseCurves(horizon: H), exact = post.scheduleCurves(periods: H, carryIn: false)
        for c in 0..<2 {
          for (factor, tolerance) in [(1.0, 1e-6), (0.5, 0.05), (2.0, 0.05)] {
            let budget = factor * post.model.data.totalSpend[c] / Double(post.model.data.periods) * Double(H)
            let D = exact[c].drawCount
            var v = [Double](repeating: 0, count: D), s = v, w = v
            flat[c].evaluate(budget: budget, values: &v, slopes: &s)
            exact[c].evaluate(spend: [Double](repeating: budget / Double(H), count: H), values: &w, gradients: nil)
            for d in 0..<D { #expect(abs(v[d] - w[d]) <= tolerance * abs(w[d]), "channel \(c) ×\(factor) draw \(d): \(v[d]) vs \(w[d])") }
          }
        }
    }
}

/// A carry-in that dies away to a subnormal number (fast-decaying carryover) is read at the same
/// floor as the forward pass: the curve's values stay finite and an even schedule earns more than
/// nothing. (It once reached the lane-wise log as garbage and gave −∞ revenue.)
@Suite struct ScheduleCurveCarryInFloorTests {
    @Test func aVanishingCarryInKeepsValuesFinite() {
        let weights = [0.9, 0.1, 1e-150, 1e-300, 1e-310, 0, 0, 0]
        let curve = ScheduleCurve(channel: "tv", saturation: SaturationKind.hill.family, periods: 13, spendScale: 100,
                                  adstockWeights: [weights], beta: [1000], parameters: [[0.5, 1.1]],
                                  history: Array(repeating: 50, count: 20))
        let spend = [Double](repeating: 40, count: 13)
        var values = [0.0], gradients = [Double](repeating: 0, count: 13)
        spend.withUnsafeBufferPointer { curve.evaluate(spend: $0.baseAddress!, values: &values, gradients: &gradients) }
        #expect(values[0].isFinite && values[0] > 0, "revenue \(values[0])")
        #expect(gradients.allSatisfy { $0.isFinite })
    }
}
