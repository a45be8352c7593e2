import Foundation
import Testing
@testable import MediaModel
@testable import Simulation
import Sampling

/// `model.time_varying`: the multiplier's operation and the model's gradient against finite
/// differences, its basis, and the planning curves that read it.
@Suite struct TimeVaryingGradientTests {
    @Test(arguments: [(SaturationKind.hill, AdstockKind.geometric, true), (.logistic, .weibull, false), (.michaelisMenten, .delayed, true)])
    func gradientMatchesCentralDifferences(saturation: SaturationKind, adstock: AdstockKind, intercept: Bool) throws {
        let history = fourChannelTruth(saturation: saturation, adstock: adstock, periods: 60).simulate(seed: 5)
        var spec = ModelSpecification()
        spec.saturation = saturation
        spec.adstock = adstock
        spec.maxLag = 5
        spec.timeVariation = TimeVariation(media: .channels(["tv", "display"]), intercept: intercept)
        spec.priors.roas["tv"] = (mean: 2, sd: 1)
        let weekly = history.dataset.spend[0].reduce(0, +) / 60
        spec.liftTests = [LiftTest(channel: "tv", spend: weekly, change: 0.3 * weekly, lift: 0.05 * weekly, standardError: 0.02 * weekly)]
        let model = try MediaMixModel(data: history.dataset, specification: spec)
        #expect(model.parameters.contains { $0.name == "effect_z.1.1" } && model.parameters.contains { $0.name == "effect_z.4.1" })
        #expect(model.parameters.contains { $0.name == "baseline_drift_z.1" } == intercept)
        expectGradientMatchesFiniteDifferences(model, points: 3, spread: 0.8, seed: 23, label: "time-varying \(saturation)/\(adstock)")
    }

    @Test func multiplierHasMeanOneAndScalesTheContribution() throws {
        let history = fourChannelTruth(saturation: .hill, periods: 80).simulate(seed: 2)
        var spec = ModelSpecification()
        spec.saturation = .hill
        spec.timeVariation = TimeVariation(media: .channels(["search"]))
        let model = try MediaMixModel(data: history.dataset, specification: spec)
        var rng = SeededGenerator(seed: 4)
        let theta = (0..<model.dimension).map { _ in rng.normal() }
        let w = model.makeWorkspace()
        model.run(theta, in: w)
        let m = w.read(try #require(model.nodes.multiplier))
        #expect(m.count == 80)
        #expect(abs(m.reduce(0, +) / 80 - 1) < 1e-12)
        #expect(m.max()! / m.min()! > 1.05, "a random point gives a visibly varying multiplier")
        // The posterior's own reading of the multiplier in the data agrees with the program's.
        let posterior = Posterior(model: model, sampling: pointPosterior([theta], dimension: model.dimension))
        let read = try #require(posterior.effectiveness(channel: 1, periods: 0..<80))[0]
        for t in 0..<80 { #expect(abs(read[t] - m[t]) < 1e-9) }
        #expect(posterior.effectiveness(channel: 0, periods: 0..<80) == nil)
        // Each week's contribution is β·m·s(a) for search and β·s(a) for tv, and search's total
        // over its spend is the sampled ROAS (the normalization keeps β and ROAS consistent).
        let d = model.decompose(unconstrained: theta)
        let scale = model.scales.spend
        for (c, m) in [(0, [Double](repeating: 1, count: 80)), (1, m)] {
            let s = model.saturatedSpend(channel: c, theta: theta, spend: history.dataset.spend[c].map { $0 / scale[c] })
            for t in 0..<80 {
                let expected = d.beta[c] * m[t] * s[t]
                #expect(abs(d.contributions[c][t] - expected) <= 1e-9 * abs(expected) + 1e-12, "channel \(c) week \(t)")
            }
        }
        let roas = model.constrained(theta)[try #require(model.parameters.firstIndex { $0.name == "roas.2" })]
        #expect(abs(d.contributions[1].reduce(0, +) / history.dataset.totalSpend[1] - roas) <= 1e-9 * roas)
    }
}

/// A "posterior" of the given unconstrained points, one chain (for reading derived quantities).
func pointPosterior(_ points: [[Double]], dimension: Int) -> SamplingResult {
    let info = TransitionInfo(logDensity: 0, acceptStat: 1, stepSize: 0.1, treeDepth: 1, leapfrogSteps: 1, divergent: false, energy: 0)
    let chain = ChainResult(chain: 0, dimension: dimension, draws: points.flatMap { $0 },
                            statistics: Array(repeating: info, count: points.count), stepSize: 0.1)
    var config = SamplerConfiguration()
    config.chains = 1; config.draws = points.count
    return SamplingResult(chains: [chain], configuration: config)
}

/// `time_varying.intercept` on data whose baseline rises and falls back once (a bump no straight
/// trend or yearly seasonality follows): the drifting baseline tracks the truth inside its bands
/// and closer than the model without it.
@Suite struct BaselineDriftTests {
    @Test func driftingBaselineFollowsABump() throws {
        var truth = fourChannelTruth(saturation: .hill, periods: 104)
        truth.baselineShift = (0..<104).map { 160 * exp(-pow((Double($0) - 62) / 10, 2)) }
        let history = truth.simulate(seed: 21)
        var config = SamplerConfiguration()
        config.seed = 21; config.warmup = 500; config.draws = 250; config.targetAcceptance = 0.9
        func fittedBaseline(drift: Bool) throws -> (mean: [Double], covered: Int) {
            var spec = ModelSpecification()
            spec.saturation = .hill
            spec.timeVariation = TimeVariation(intercept: drift)
            let posterior = try Posterior(model: try MediaMixModel(data: history.dataset, specification: spec), configuration: config)
            let perDraw = posterior.draws.map { d in (0..<104).map { t in d.fitted[t] - d.contributions.reduce(0) { $0 + $1[t] } } }
            var mean: [Double] = [], covered = 0
            for t in 0..<104 {
                let b = band(perDraw.map { $0[t] })
                mean.append(perDraw.reduce(0) { $0 + $1[t] } / Double(perDraw.count))
                if b.lower <= history.baseline[t] && history.baseline[t] <= b.upper { covered += 1 }
            }
            return (mean, covered)
        }
        func rmse(_ fitted: [Double]) -> Double {
            (zip(fitted, history.baseline).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(fitted.count)).squareRoot()
        }
        let drifting = try fittedBaseline(drift: true), fixed = try fittedBaseline(drift: false)
        #expect(drifting.covered >= 83, "true baseline inside the drifting model's 90% band in \(drifting.covered)/104 weeks")
        #expect(rmse(drifting.mean) < 0.7 * rmse(fixed.mean), "baseline RMSE: drifting \(rmse(drifting.mean)), fixed \(rmse(fixed.mean))")
    }
}
