import Foundation
import Testing
import MediaModel
import Sampling

/// A regional truth: geos of varied size, three channels whose effects differ by geo with spread τ.
func geoTruth(geos: Int, periods: Int = 104, tau: Double = 0.3, sizeSpread: Double = 1.0) -> GeoSimulationTruth {
    var truth = GeoSimulationTruth(geos: geos, periods: periods, channels: [
        .init(name: "tv", weeklySpend: 100_000, effect: 500_000, alpha: 0.5, halfSaturation: 0.5, slope: 1.2, tau: tau),
        .init(name: "search", weeklySpend: 60_000, effect: 250_000, alpha: 0.2, halfSaturation: 0.4, slope: 1.0, tau: tau),
        .init(name: "social", weeklySpend: 40_000, effect: 150_000, alpha: 0.3, halfSaturation: 0.6, slope: 1.0, tau: tau),
    ], intercept: 2_000_000, noise: 60_000)
    truth.sizeSpread = sizeSpread
    truth.seasonalAmplitude = 150_000
    truth.trend = 100_000
    return truth
}

func geoFit(_ history: SimulatedGeoHistory, hierarchy: Hierarchy, seed: UInt64, draws: Int = 1000) throws -> Posterior {
    var spec = ModelSpecification()
    spec.hierarchy = hierarchy
    var config = SamplerConfiguration()
    config.seed = seed
    config.warmup = draws
    config.draws = draws
    return try Posterior(model: try MediaMixModel(data: history.dataset, specification: spec), configuration: config)
}

/// Layer 3 for geo models: data simulated from a known hierarchical truth.
@Suite struct GeoModelTests {
    @Test func explore() throws {
        let history = geoTruth(geos: 8).simulate(seed: 3)
        let start = Date()
        let posterior = try geoFit(history, hierarchy: .partial, seed: 3, draws: 500)
        let result = posterior.sampling
        let rhat = (0..<posterior.model.dimension).map { result.summary(ofCoordinate: $0).rHat }.max()!
        let ess = (0..<posterior.model.dimension).map { result.summary(ofCoordinate: $0).essBulk }.min()!
        print("dim \(posterior.model.dimension) time \(Date().timeIntervalSince(start)) rhat \(rhat) ess \(ess) div \(result.divergences) leapfrogs \(result.samplingLeapfrogSteps)")
        for c in 0..<3 {
            let r = posterior.roas(channel: c).sorted()
            print("ch \(c) truth \(history.roas[c]) fit \(r[r.count / 20]) \(r[r.count / 2]) \(r[r.count * 19 / 20])")
        }
    }
}
