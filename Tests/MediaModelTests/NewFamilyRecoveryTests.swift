import Foundation
import Testing
import MediaModel
import Simulation
import Sampling

/// Layer 3 for the families added with the model core: data simulated from a Weibull-carryover
/// truth and from a Michaelis–Menten truth, each fitted with its own family; the true ROAS must
/// land in the 90% bands.
@Suite struct NewFamilyRecoveryTests {
    static let cases: [(AdstockKind, SaturationKind, UInt64)] = [(.weibull, .hill, 5), (.geometric, .michaelisMenten, 6)]

    @Test(arguments: cases.indices)
    func trueROASInsideTheBands(index: Int) throws {
        let (adstock, saturation, seed) = Self.cases[index]
        var truth = fourChannelTruth(saturation: saturation == .logistic ? .logistic : .hill, adstock: adstock)
        truth.saturation = saturation
        if adstock == .weibull {
            // Scale λ (weeks) and shape k per channel: long and short memories, fast and held decays.
            let shapes: [[Double]] = [[3, 1.5], [1.2, 0.8], [2, 1], [1.5, 2]]
            for c in truth.channels.indices { truth.channels[c].adstockOverride = shapes[c] }
        }
        let history = truth.simulate(seed: seed)
        var spec = ModelSpecification()
        spec.adstock = adstock
        spec.saturation = saturation
        var config = SamplerConfiguration()
        config.seed = seed
        let posterior = try Posterior(model: try MediaMixModel(data: history.dataset, specification: spec), configuration: config)
        let inside = history.roas.enumerated().filter { c, truth in band(posterior.roas(channel: c)).lower <= truth && truth <= band(posterior.roas(channel: c)).upper }.count
        let result = posterior.sampling
        let rhat = (0..<posterior.model.dimension).map { result.summary(ofCoordinate: $0).rHat }.max()!
        #expect(inside >= 3, "\(adstock)/\(saturation): \(inside)/4 true ROAS inside the 90% bands, truth \(history.roas)")
        #expect(rhat < 1.01, "max R-hat \(rhat)")
        let ess = (0..<posterior.model.dimension).map { result.summary(ofCoordinate: $0).essBulk }.min()!
        #expect(ess > 400, "min bulk ESS \(ess)")
        // A stray divergence in 4000 transitions is not a biased fit; a pattern of them would be.
        #expect(result.divergences <= 4, "divergences \(result.divergences)")
    }
}
