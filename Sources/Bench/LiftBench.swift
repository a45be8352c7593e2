import Foundation
import GeoExperiment
import MediaModel
import Simulation
import Sampling

/// `mixplan-bench --only lift`: the time of a lift analysis on 24 geos × 104 weeks (goal: under
/// 10 s), then the calibration of its bands over seeds of the simulated geo example: how often the
/// 90% band of the incremental ROAS covers the truth with a +60% TV test, and, with no change,
/// how often P(effect > 0) stays between 0.05 and 0.95 and the effect's band covers 0.
func benchLift(seeds: Int = 24) throws {
    var config = SamplerConfiguration()
    config.chains = 4; config.warmup = 1000; config.draws = 1000; config.seed = 7
    let example = GeoSimulationTruth.geoExample
    let history = example.simulate(seed: GeoSimulationTruth.geoExampleSeed)
    let e = example.experiment!
    let design = GeoExperimentDesign(channel: e.channel, treated: e.treated, window: e.window, cooldown: 4)
    let start = Date(), cpu0 = processCPUSeconds()
    let analysis = try LiftAnalysis(data: history.dataset, design: design, configuration: config)
    let wall = Date().timeIntervalSince(start), cpu = processCPUSeconds() - cpu0
    let leapfrogs = Double(analysis.totalLeapfrogSteps) / Double(config.chains * config.draws)
    let roas = Band(analysis.roas ?? [])
    print("""
        Lift analysis, bundled geo example (\(history.dataset.geoCount) geos × \(history.dataset.periods) weeks, \
        \(design.pre.count) pre-period weeks, \(history.dataset.geoCount - e.treated.count) controls), 4 chains × (1000 + 1000):
          wall \(f(wall)) s (goal < 10 s), CPU \(f(cpu)) s; \(f(leapfrogs)) leapfrog steps per draw; \
        max R-hat \(String(format: "%.4f", analysis.maxRHat)), divergences \(analysis.divergences)
          incremental ROAS \(String(format: "%.2f [%.2f – %.2f]", roas.mean, roas.lower, roas.upper)), \
        truth \(String(format: "%.2f", history.trueROAS(over: design.measured)))
        """)
    if let t = analysis.liftTest(channelName: "tv") {
        let truth = history.trueNationalLift(channel: 0, spend: t.spend, change: t.change)
        print(String(format: "  lift test (national-equivalent): x %.0f, delta_x %.0f, delta_y %.0f ± %.0f; the national curve's true lift for that move %.0f (%.1f σ)",
                     t.spend, t.change, t.lift, t.standardError, truth, (t.lift - truth) / t.standardError))
    }
    let designStart = Date()
    _ = try DesignSearch.search(data: history.dataset, channel: 0, weeks: 8, change: 0.5, treatedCount: 6, seed: 7)
    print("  design search (6 of 24 geos, 300 random sets + swaps): \(f(Date().timeIntervalSince(designStart))) s\n")

    var coverage = SamplerConfiguration()
    coverage.chains = 2; coverage.warmup = 500; coverage.draws = 1000
    var covered = 0, sided = 0, relativeErrors: [Double] = []
    var notExtreme = 0, zeroCovered = 0, probabilities: [Double] = []
    let coverageStart = Date()
    for s in 0..<seeds {
        let seed = UInt64(100 + s)
        coverage.seed = seed
        let withTest = example.simulate(seed: seed)
        let a = try LiftAnalysis(data: withTest.dataset, design: design, configuration: coverage)
        let truth = withTest.trueROAS(over: design.measured)
        let band = Band(a.roas ?? [])
        if band.contains(truth) { covered += 1 }
        if a.probabilityChannelWorks > 0.95 { sided += 1 }
        relativeErrors.append((band.mean - truth) / truth)

        var none = example
        none.experiment?.change = 0
        let quiet = none.simulate(seed: seed)
        let b = try LiftAnalysis(data: quiet.dataset, design: design, configuration: coverage)
        probabilities.append(b.probabilityPositive)
        if b.probabilityPositive > 0.05 && b.probabilityPositive < 0.95 { notExtreme += 1 }
        if Band(b.effect).contains(0) { zeroCovered += 1 }
    }
    let meanError = relativeErrors.reduce(0, +) / Double(seeds)
    let sortedP = probabilities.sorted()
    print("""
        Lift coverage over \(seeds) seeds (+60% TV in 4 of 24 geos for 8 weeks, 4 weeks of cooldown; 2 chains × (500 + 1000)):
          90% band of the incremental ROAS covers the truth in \(covered) of \(seeds) (\(f(100 * Double(covered) / Double(seeds)))%); \
        mean relative error of the mean \(String(format: "%+.1f%%", 100 * meanError)); P(effect > 0) > 0.95 in \(sided) of \(seeds)
          no change: P(effect > 0) between 0.05 and 0.95 in \(notExtreme) of \(seeds), the effect's 90% band covers 0 in \
        \(zeroCovered) of \(seeds); P(effect > 0) median \(String(format: "%.2f", sortedP[seeds / 2])), \
        range \(String(format: "%.2f – %.2f", sortedP.first!, sortedP.last!))
          (\(f(Date().timeIntervalSince(coverageStart))) s)

        """)
}
