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
