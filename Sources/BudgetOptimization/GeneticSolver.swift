import Foundation

/// A real-coded, elitist genetic algorithm whose every candidate is feasible (children are
/// projected back onto the budget and bounds). Seeded, so runs repeat exactly. The loop itself is
/// `GeneticSearch`, shared with schedules.
struct GeneticSolver {
    let problem: BudgetProblem
    let feasible: FeasibleSet
    var seed: UInt64 = 1
    /// Generations without a relative improvement above `tolerance` before stopping.
    var patience = 30
    var maxGenerations = 400
    /// The relative improvement that counts (default 1e-7: on revenue in the millions a few
    /// currency units, below what any plan is read to; a cross-check sets
    /// `SolverStrategy.crossCheckTolerance`).
    var tolerance = 1e-7

    func solve(starts: [[Double]], evaluator: ObjectiveEvaluator) -> SolverRun {
        let n = problem.channels.count
        let span = zip(problem.lower, problem.upper).map { min($1 - $0, problem.budget) }
        var search = GeneticSearch(seed: seed, patience: patience, maxGenerations: maxGenerations)
        search.tolerance = tolerance
        return search.solve(starts: starts, span: span, repair: { feasible.project($0) },
                            random: { feasible.random(channels: n, using: &$0) }, evaluate: evaluator.evaluate)
    }
}
