import Foundation

/// Maximizes the objective over feasible schedules: SLSQP from the given schedule and the even
/// one (random starts when they disagree), the genetic algorithm as fallback or cross-check,
/// both on the same feasible set.
public struct ScheduleOptimizer: Sendable {
    public var choice: OptimizerChoice
    public var seed: UInt64
    /// Extra random starts for SLSQP when the first two starts disagree (default 2).
    public var randomStarts: Int
    /// Generations of the genetic algorithm (default 150): with one variable per cell it is a
    /// slow searcher, kept as a cross-check seeded with SLSQP's plan rather than a solver.
    public var geneticGenerations: Int

    public init(choice: OptimizerChoice = .auto, seed: UInt64 = 1, randomStarts: Int = 2, geneticGenerations: Int = 150) {
        self.choice = choice; self.seed = seed; self.randomStarts = randomStarts; self.geneticGenerations = geneticGenerations
    }

    /// - Parameter start: a schedule to start from, `[channels, periods]`, repaired onto the set.
    /// - Returns: the schedule `[channels, periods]` and how it was found.
    public func optimize(_ problem: ScheduleProblem, start: [Double]? = nil) throws -> (plan: [Double], report: OptimizerReport) {
        let clock = Date()
        let feasible = ScheduleFeasibleSet(problem)
        let evaluator = ScheduleEvaluator(problem)
        var rng = SplitMix(seed: seed)
        var starts: [[Double]] = []
        if let start { starts.append(feasible.project(start)) }
        starts.append(feasible.evenSplit())
        for _ in 0..<randomStarts { starts.append(feasible.random(using: &rng)) }
        var notices: [String] = []
        guard starts.allSatisfy({ feasible.isFeasible($0, tolerance: 1e-7) }) else {
            throw BudgetError.infeasible("no schedule meets the budget, the period budgets, the channel bounds and the caps together; loosen one of them")
        }

        var slsqpBest: SolverRun?
        if choice != .ga {
            let solver = ScheduleSLSQPSolver(problem: problem, feasible: feasible)
            let fixedStarts = start == nil ? 1 : 2
            var firstValues: [Double] = []
            for (i, s) in starts.enumerated() {
                // As for budgets: random starts only when the given and the even start disagree.
                if i == fixedStarts, firstValues.count == fixedStarts, fixedStarts == 2,
                   abs(firstValues[0] - firstValues[1]) <= 1e-7 * max(abs(firstValues[0]), 1e-300) { break }
                let run = solver.solve(from: s, evaluator: evaluator)
                guard run.status.pointIsUsable, run.value.isFinite, feasible.isFeasible(run.plan, tolerance: 1e-7) else {
                    notices.append("SLSQP from one start ended with '\(run.status)'; that start was discarded")
                    continue
                }
                if i < fixedStarts { firstValues.append(run.value) }
                if slsqpBest == nil || run.value > slsqpBest!.value { slsqpBest = run }
            }
        }
        let slsqpEvaluations = evaluator.evaluations
        var gaRun: SolverRun?
        var gaEvaluations = 0, gaDraws = 0
        if choice == .ga || choice == .auto || slsqpBest == nil {
            if choice == .slsqp { notices.append("SLSQP failed from every start; the genetic algorithm planned instead") }
            var searchDraws = 400
            if case .cvar(let alpha) = problem.objective { searchDraws = max(400, Int(min((100 / alpha).rounded(.up), 1e9))) }
            let searchProblem = problem.subsampled(to: searchDraws)
            gaDraws = searchProblem.drawCount
            let searchEvaluator = ScheduleEvaluator(searchProblem)
            let span = problem.caps.map { min($0, problem.budget / Double(problem.periods)) }
            let search = GeneticSearch(seed: seed, patience: 20, maxGenerations: geneticGenerations)
            var run = search.solve(starts: starts + (slsqpBest.map { [$0.plan] } ?? []), span: span, repair: feasible.project,
                                   random: { feasible.random(using: &$0) }, evaluate: searchEvaluator.evaluate)
            run.value = evaluator.evaluate(run.plan)
            gaEvaluations = run.evaluations
            gaRun = run
        }
        let seconds = Date().timeIntervalSince(clock)
        func report(_ run: SolverRun, method: String, gap: Double?) -> OptimizerReport {
            OptimizerReport(method: method, status: run.status, slsqpEvaluations: slsqpEvaluations,
                            geneticEvaluations: gaEvaluations, geneticSearchDraws: gaDraws, seconds: seconds,
                            crossCheckGap: gap, notices: notices)
        }
        switch (slsqpBest, gaRun) {
        case let (s?, g?):
            let gap = (s.value - g.value) / max(abs(s.value), 1e-300)
            return g.value > s.value ? (g.plan, report(g, method: "ga", gap: gap)) : (s.plan, report(s, method: "slsqp", gap: gap))
        case let (s?, nil): return (s.plan, report(s, method: "slsqp", gap: nil))
        case let (nil, g?): return (g.plan, report(g, method: "ga", gap: nil))
        case (nil, nil): throw BudgetError.failed("no optimizer found a feasible schedule")
        }
    }
}
