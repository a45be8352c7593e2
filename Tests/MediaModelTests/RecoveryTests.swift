import Foundation
import Testing
import MediaModel
import Simulation
import Sampling

func band(_ values: [Double], _ interval: Double = 0.9) -> (lower: Double, upper: Double) {
    let s = values.sorted()
    return (Diagnostics.quantile(sorted: s, (1 - interval) / 2), Diagnostics.quantile(sorted: s, (1 + interval) / 2))
}

/// Layer 3: data simulated from known parameters; the truth must land in the 90% bands.
@Suite struct RecoveryTests {
    @Test(arguments: [(SaturationKind.hill, UInt64(1)), (.hill, 2), (.logistic, 3), (.logistic, 4)])
    func trueROASInsideTheBands(saturation: SaturationKind, seed: UInt64) throws {
        let history = fourChannelTruth(saturation: saturation).simulate(seed: seed)
        var spec = ModelSpecification()
        spec.saturation = saturation
        let model = try MediaMixModel(data: history.dataset, specification: spec)
        // The default sampler settings (4 chains × 1000 + 1000): the bar is convergence
        // with the defaults, not with settings tuned per data set.
        var config = SamplerConfiguration()
        config.seed = seed
        let start = Date()
        let posterior = try Posterior(model: model, configuration: config)
        let result = posterior.sampling
        let seconds = Date().timeIntervalSince(start)
        let roas = (0..<4).map { posterior.roas(channel: $0) }
        var inside = 0
        for (c, truth) in history.roas.enumerated() {
            let b = band(roas[c])
            if b.lower <= truth && truth <= b.upper { inside += 1 }
        }
        let rhat = (0..<model.dimension).map { result.summary(ofCoordinate: $0).rHat }.max()!
        let ess = (0..<model.dimension).map { result.summary(ofCoordinate: $0).essBulk }.min()!
        // The bar is 80% of channels over all cases; 3 of 4 per case is at least that.
        #expect(inside >= 3, "\(inside)/4 true ROAS inside the 90% bands")
        #expect(rhat < 1.01, "max R-hat \(rhat)")
        #expect(ess > 400, "min bulk ESS \(ess) (\(seconds) s)")
    }
}

@Suite struct PredictiveCheckTests {
    @Test func wellSpecifiedModelPassesItsOwnCheck() throws {
        let history = fourChannelTruth(saturation: .logistic).simulate(seed: 8)
        var spec = ModelSpecification()
        spec.saturation = .logistic
        var config = SamplerConfiguration()
        config.seed = 8; config.warmup = 400; config.draws = 400
        let posterior = try Posterior(model: try MediaMixModel(data: history.dataset, specification: spec), configuration: config)
        let check = posterior.predictiveCheck(seed: 8)
        let coverage = Double(check.covered) / Double(check.periods)
        #expect(coverage > 0.8 && coverage < 0.98, "coverage \(coverage)")
        #expect(check.bayesianPValue > 0.05 && check.bayesianPValue < 0.95, "p-value \(check.bayesianPValue)")
        #expect(check.rSquared > 0.8)
        #expect(check.mape < 0.05)
    }
}
