import Foundation
import Testing
import MediaModel
import Simulation
import Sampling

/// Layer 3 for calibration: on the bundled example's truth the data leave search's curve loose
/// (its lift band is wide and its mean 35% low); one noisy lift test on search must pull the
/// model's answer for a different move on search toward the truth and narrow it.
@Suite struct LiftCalibrationTests {
    @Test func aLiftTestPinsTheCurveWhereTheDataLeaveItLoose() throws {
        let truth = SimulationTruth.weeklyExample
        let history = truth.simulate(seed: SimulationTruth.weeklyExampleSeed)
        let search = try #require(history.dataset.channels.firstIndex(of: "search"))
        // The test moves 80k → 104k a week; judge the model on 60k → 100k, which it did not see.
        let tests = truth.liftTests(on: ["search"], in: history, seed: 11)
        let trueLift = truth.trueLift(channel: search, spend: 60_000, change: 40_000, in: history)
        var config = SamplerConfiguration()
        config.chains = 2; config.warmup = 500; config.draws = 500; config.seed = 3
        var answers: [(error: Double, width: Double, covers: Bool)] = []
        for calibrated in [false, true] {
            var spec = ModelSpecification()
            if calibrated { spec.liftTests = tests }
            let posterior = try Posterior(model: try MediaMixModel(data: history.dataset, specification: spec), configuration: config)
            let lifts = posterior.lift(channel: search, spend: 60_000, change: 40_000)
            let b = Band(lifts)
            answers.append((abs(b.mean - trueLift) / trueLift, (b.upper - b.lower) / trueLift, b.contains(trueLift)))
            if calibrated {
                let check = try #require(posterior.liftTestChecks().first)
                #expect(abs(check.standardizedGap) < 2, "the fit should agree with its own lift test: \(check.standardizedGap) σ")
            }
        }
        let (loose, pinned) = (answers[0], answers[1])
        #expect(pinned.covers, "calibrated band misses the true lift \(trueLift): \(answers)")
        #expect(pinned.width < 0.6 * loose.width, "band width \(loose.width) → \(pinned.width) of the truth")
        #expect(pinned.error < 0.5 * loose.error, "relative error \(loose.error) → \(pinned.error)")
    }
}
