import Foundation
import Testing
import GeoExperiment
import MediaModel
@testable import Simulation
import Sampling

/// Layer 3: on geo data simulated with a known injected change, the measured incremental ROAS
/// covers the truth; without a change the analysis does not claim an effect. (The coverage rate
/// over 24 seeds is `mixplan-bench --only lift`.)
@Suite struct LiftRecoveryTests {
    static func sampler(seed: UInt64) -> SamplerConfiguration {
        var config = SamplerConfiguration()
        config.chains = 2; config.warmup = 300; config.draws = 500; config.seed = seed
        return config
    }

    /// The bundled example's truth with the experiment's change replaced.
    static func truth(change: Double) -> GeoSimulationTruth {
        var truth = GeoSimulationTruth.geoExample
        truth.experiment?.change = change
        return truth
    }

    static func analyse(_ history: SimulatedGeoHistory, cooldown: Int, seed: UInt64) throws -> LiftAnalysis {
        let e = try #require(history.truth.experiment)
        return try LiftAnalysis(data: history.dataset,
                                design: GeoExperimentDesign(channel: e.channel, treated: e.treated, window: e.window, cooldown: cooldown),
                                configuration: sampler(seed: seed))
    }

    @Test(arguments: [(seed: UInt64(11), change: 0.6), (seed: UInt64(12), change: -1.0)])
    func theIncrementalROASBandCoversTheTruth(seed: UInt64, change: Double) throws {
        let history = Self.truth(change: change).simulate(seed: seed)
        let analysis = try Self.analyse(history, cooldown: 4, seed: seed)
        let truth = history.trueROAS(over: analysis.design.measured)
        let roas = try #require(analysis.roas)
        let band = Band(roas)
        #expect(band.contains(truth), "true ROAS \(truth) outside [\(band.lower), \(band.upper)] (mean \(band.mean))")
        #expect(abs(analysis.incrementalSpend - history.trueIncrementalSpend) < 0.05 * abs(history.trueIncrementalSpend),
                "incremental spend \(analysis.incrementalSpend) vs true \(history.trueIncrementalSpend)")
        #expect(analysis.probabilityChannelWorks > 0.95, "P \(analysis.probabilityChannelWorks)")
        #expect(analysis.maxRHat < 1.05 && analysis.divergences == 0, "R-hat \(analysis.maxRHat), divergences \(analysis.divergences)")
        // In-sample, the 90% predictive band holds most pre-period weeks, and the fit tracks them.
        let coverage = Double(analysis.preCovered) / Double(analysis.prePeriods)
        #expect(coverage > 0.8 && coverage <= 1, "pre-period coverage \(coverage)")
        #expect(analysis.preMAPE < 0.03, "pre-period MAPE \(analysis.preMAPE)")
    }

    @Test(arguments: [UInt64(21), 22])
    func withoutAChangeTheEffectIsNotClaimed(seed: UInt64) throws {
        let history = Self.truth(change: 0).simulate(seed: seed)
        #expect(history.trueEffect(over: 0..<history.dataset.periods) == 0)
        let analysis = try Self.analyse(history, cooldown: 0, seed: seed)
        #expect(!analysis.spendChanged && analysis.roas == nil && analysis.liftTest(channelName: "tv") == nil)
        #expect(analysis.probabilityPositive > 0.05 && analysis.probabilityPositive < 0.95, "P(effect > 0) \(analysis.probabilityPositive)")
        let band = Band(analysis.effect)
        #expect(band.contains(0), "effect band [\(band.lower), \(band.upper)] excludes 0")
    }
}
