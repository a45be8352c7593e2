import BudgetOptimization
import Foundation
import MediaModel
import Planning
import Sampling

/// Geo fits on simulated regional data (partial pooling, Hill curves, geometric carryover):
/// 24 geos × 104 weeks × 4 channels and 40 geos × 156 weeks × 5 channels, 4 chains × (1000 + 1000).
/// Prints wall time, convergence, ESS per second, max RSS and how often the true national ROAS
/// falls in its 90% band.
func benchGeo() throws {
    for (geos, weeks, channels) in [(24, 104, 4), (40, 156, 5)] {
        let names = ["tv", "search", "social", "youtube", "display"]
        var truth = HierarchicalGeoTruth(geos: geos, periods: weeks, channels: (0..<channels).map { c in
            .init(name: names[c], weeklySpend: [300_000, 150_000, 100_000, 80_000, 50_000][c],
                  effect: [1_200_000, 500_000, 300_000, 260_000, 120_000][c], alpha: [0.6, 0.2, 0.35, 0.5, 0.25][c],
                  halfSaturation: [0.5, 0.4, 0.5, 0.6, 0.4][c], slope: [1.5, 1.0, 1.2, 1.3, 1.0][c], tau: 0.25)
        }, intercept: 6_000_000, noise: 150_000)
        truth.seasonalAmplitude = 400_000
        truth.trend = 300_000
        let history = truth.simulate(seed: UInt64(geos))
        let model = try MediaMixModel(data: history.dataset, specification: ModelSpecification())
        var config = SamplerConfiguration()
        config.seed = 1
        let start = Date()
        let posterior = try Posterior(model: model, configuration: config)
        let seconds = Date().timeIntervalSince(start)
        let result = posterior.sampling
        let summaries = (0..<model.dimension).map { result.summary(ofCoordinate: $0) }
        let minBulk = summaries.map(\.essBulk).min() ?? .nan, minTail = summaries.map(\.essTail).min() ?? .nan
        let maxRHat = summaries.map(\.rHat).max() ?? .nan
        let inside = history.roas.indices.filter { c in
            let s = posterior.roas(channel: c).sorted()
            return s[s.count / 20] <= history.roas[c] && history.roas[c] <= s[s.count * 19 / 20]
        }.count
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("""
            Geo fit, \(geos) geos × \(weeks) weeks × \(channels) channels (simulated, partial pooling), 4 chains × (1000 + 1000), \(model.dimension) parameters:
              sampling \(f(seconds)) s on \(ProcessInfo.processInfo.activeProcessorCount) cores, min bulk ESS \(f(minBulk)), min tail ESS \(f(minTail)), \
            max R-hat \(String(format: "%.4f", maxRHat)), divergences \(result.divergences)
              \(f(minBulk / seconds)) ESS/s, mean leapfrog steps per draw \(f(Double(result.samplingLeapfrogSteps) / Double(4 * 1000))), \
            max RSS \(f(Double(usage.ru_maxrss) / 1024)) MB
              true national ROAS inside the 90% band: \(inside) of \(channels)
            """)
        // The budget over every (geo, channel) pair across all draws, as plan.by_geo does it, on one core.
        let curves: [any ChannelResponse] = posterior.pairCurves(horizon: 13)
        let recent = model.rows.map { history.dataset.spend(geo: $0.geo, channel: $0.channel).suffix(13).reduce(0, +) }
        let budget = recent.reduce(0, +)
        let problem = try BudgetProblem(channels: model.rows.map { "\($0.geo)/\($0.channel)" }, responses: curves, budget: budget)
        let clock = Date()
        let (plan, report) = try BudgetOptimizer(choice: .slsqp, seed: 1).optimize(problem, start: recent)
        let optimizeSeconds = Date().timeIntervalSince(clock)
        let gain = PlanEvaluation(problem, plan: plan).total.mean / PlanEvaluation(problem, plan: recent).total.mean - 1
        print("""
              plan.by_geo optimizer: \(model.rows.count) (geo, channel) variables × \(posterior.drawCount) draws, SLSQP \(String(format: "%.2f", optimizeSeconds)) s \
            (\(report.slsqpEvaluations) evaluations, \(report.status)); expected media revenue \(String(format: "%+.1f%%", 100 * gain)) over the current split

            """)
    }
}

/// The by_geo optimizer alone at the issue's size, on synthetic posterior draws (no fit): 40 geos ×
/// 5 channels of Hill curves with geometric carryover, 4000 draws each, a quarter's budget.
func benchGeoOptimizer() throws {
    var rng = SeededGenerator(seed: 41)
    let geos = 40, channels = 5, draws = 4000, horizon = 13
    var curves: [any ChannelResponse] = [], current: [Double] = []
    for g in 0..<geos {
        let size = exp(0.8 * rng.normal())
        for c in 0..<channels {
            let alpha = (0..<draws).map { _ in min(max(0.3 + 0.2 * Double(c) / 5 + 0.08 * rng.normal(), 0.01), 0.95) }
            let weights = alpha.map { a in (0..<8).map { pow(a, Double($0)) } }.map { w in w.map { $0 / w.reduce(0, +) } }
            let parameters = (0..<draws).map { _ in [exp(log(0.5) + 0.3 * rng.normal()), exp(0.2 + 0.3 * rng.normal())] }
            let beta = (0..<draws).map { _ in size * 100_000 * Double(channels - c) * exp(0.3 * rng.normal()) }
            curves.append(ResponseCurve(channel: "c\(c)", saturation: .hill, horizon: horizon, spendScale: size * 50_000,
                                        adstockWeights: weights, beta: beta, parameters: parameters))
            current.append(size * 20_000 * Double(horizon) * (1 + 0.5 * rng.uniform()))
        }
        _ = g
    }
    let budget = current.reduce(0, +)
    let problem = try BudgetProblem(channels: (0..<(geos * channels)).map { "pair\($0)" }, responses: curves, budget: budget)
    for choice in [OptimizerChoice.slsqp, .auto] {
        let clock = Date(), cpu = processCPUSeconds()
        let (plan, report) = try BudgetOptimizer(choice: choice, seed: 1).optimize(problem, start: current)
        let wall = Date().timeIntervalSince(clock), used = processCPUSeconds() - cpu
        let before = PlanEvaluation(problem, plan: current).total.mean, after = PlanEvaluation(problem, plan: plan).total.mean
        print("by_geo optimizer (\(choice)), \(geos * channels) variables × \(draws) draws (synthetic curves): \(String(format: "%.2f", wall)) s wall, "
              + "\(String(format: "%.2f", used)) s CPU, \(report.slsqpEvaluations) SLSQP evaluations, \(report.status); "
              + "expected revenue \(String(format: "%+.4f%%", 100 * (after / before - 1))) over the start, KKT spread across interior pairs "
              + String(format: "%.1e", OptimalityReport(problem, plan: plan, gradient: PlanEvaluation(problem, plan: plan).objectiveGradient).interiorSpread)
              + "; \(report.notices.joined(separator: "; "))")
    }
    print("")
}

/// The 40-geo model's gradient: time per call and its costliest operations (no sampling).
func benchGeoGradient() throws {
    let names = ["tv", "search", "social", "youtube", "display"]
    let truth = HierarchicalGeoTruth(geos: 40, periods: 156, channels: (0..<5).map { c in
        .init(name: names[c], weeklySpend: 100_000, effect: 400_000, alpha: 0.5, halfSaturation: 0.5, slope: 1.2, tau: 0.25)
    }, intercept: 6_000_000, noise: 150_000)
    let model = try MediaMixModel(data: truth.simulate(seed: 40).dataset, specification: ModelSpecification())
    let s = gradientSeconds(model)
    print(String(format: "Gradient, 40 geos × 156 weeks × 5 channels (%d parameters): %.1f µs per call; the costliest operations:", model.dimension, s * 1e6))
    let costs = model.profileOperations(calls: 300, clock: processCPUSeconds).sorted { $0.forward + $0.backward > $1.forward + $1.backward }
    for (name, f, b) in costs.prefix(8) {
        print(String(format: "  %-24@ forward %7.1f µs, backward %7.1f µs", name as NSString, f * 1e6, b * 1e6))
    }
    print("")
}
