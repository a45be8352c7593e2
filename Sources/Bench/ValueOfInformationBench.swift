import BudgetOptimization
import Foundation

/// EVPPI per channel on posterior-like Hill curves: the cost of the ten re-optimizations per
/// channel that `mixplan plan` runs for experiments.csv.
func benchValueOfInformation() throws {
    print("EVPPI: Hill curves, 4000 draws subsampled to 1000, 10 bins per channel, one core")
    for channels in [5, 20] {
        let (curves, budget, current) = syntheticCurves(channels: channels)
        let problem = try PlanProblem(channels: curves.map(\.channel), responses: curves, budget: budget,
                                        lower: current.map { 0.2 * $0 }, upper: current.map { 3 * $0 })
        let (plan, _) = try PlanOptimizer(choice: .slsqp).optimize(problem, start: current)
        let keys = ValueOfInformation.responseKeys(problem, at: zip(plan, current).map { max($0, $1) })
        let clock = Date()
        let voi = try ValueOfInformation(problem, plan: plan, keys: keys)
        let seconds = Date().timeIntervalSince(clock)
        let total = voi.channels.map(\.evppi).reduce(0, +)
        print(String(format: "  %d channels: %.2f s (%.0f ms per channel); EVPPI sum %.4g%% of the expected revenue, largest channel %.0f%% of it",
                     channels, seconds, 1000 * seconds / Double(channels), 100 * total / voi.uninformedValue,
                     100 * (voi.channels.map(\.evppi).max() ?? 0) / max(total, 1e-300)))
    }
    print("")
}
