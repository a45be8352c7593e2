import Foundation

/// Maximizes the objective over a problem's feasible plans, flat or by period, with the methods
/// `SolverStrategy` chooses: a local gradient method, the genetic algorithm as cross-check or
/// fallback, the better run kept and never worse than the caller's start.
public struct PlanOptimizer: Sendable {
    public var choice: OptimizerChoice
    /// Seed of the random starts and of the genetic algorithm.
    public var seed: UInt64
    /// Random starts beyond the given plan and the even split; nil: the strategy's (3 for one
    /// period, 2 for schedules).
    public var randomStarts: Int?
    /// Generations of the genetic algorithm; nil: the strategy's (400 for one period, 150 for
    /// schedules, where with one variable per cell it is a slow searcher).
    public var geneticGenerations: Int?
    /// Which methods run on which problems (`SolverStrategy`).
    public var strategy = SolverStrategy()

    public init(choice: OptimizerChoice = .auto, seed: UInt64 = 1, randomStarts: Int? = nil, geneticGenerations: Int? = nil) {
        self.choice = choice; self.seed = seed; self.randomStarts = randomStarts; self.geneticGenerations = geneticGenerations
    }

    /// - Parameter start: a plan to start from (the current mix), `[rows, periods]`, projected
    ///   onto the feasible set.
    /// - Returns: the plan `[rows, periods]` and how it was found.
    public func optimize(_ problem: PlanProblem, start: [Double]? = nil) throws -> (plan: [Double], report: OptimizerReport) {
        let clock = Date()
        if let start, start.count != problem.dimension {
            throw BudgetError.invalid("a start of \(start.count) values for \(problem.dimension) cells (\(problem.channels.count) rows × \(problem.periods) periods)")
        }
        if case .cvarUplift(_, let baseline) = problem.objective, baseline.isEmpty {
            throw BudgetError.invalid("cvar_uplift needs the baseline's revenue per draw; anchor the problem at the current mix first")
        }
        var plan = strategy.choose(problem, choice: choice)
        if let randomStarts { plan.randomStarts = randomStarts }
        if let geneticGenerations { plan.geneticGenerations = geneticGenerations }
        let feasible = FeasibleSet(problem)
        let evaluator = PlanEvaluator(problem)
        var rng = SplitMix(seed: seed)
        var notices: [String] = []
        var starts: [[Double]] = []
        // A feasible start is kept as it is: a projection would move it by its rounding, and the
        // guard at the end compares with the caller's plan.
        let given = start.map { feasible.isFeasible($0, tolerance: 1e-12) ? $0 : feasible.project($0) }
        if let given { starts.append(given) }
        starts.append(feasible.evenSplit())
        for _ in 0..<plan.randomStarts { starts.append(feasible.random(using: &rng)) }
        guard starts.allSatisfy({ feasible.isFeasible($0, tolerance: 1e-7) }) else {
            throw BudgetError.infeasible("no plan meets the budget, the period budgets, the channel bounds and the caps together; loosen one of them")
        }

        var evaluations = 0
        let local = plan.local.flatMap { method in
            localRun(method, plan: plan, problem: problem, starts: starts, fixedStarts: given == nil ? 1 : 2,
                     feasible: feasible, evaluator: evaluator, evaluations: &evaluations, notices: &notices)
        }
        if choice == .auto && !plan.crossCheck && local != nil {
            notices.append("with \(problem.dimension) variables the genetic algorithm's cross-check is skipped (optimizer: ga runs it alone)")
        }
        evaluations += evaluator.evaluations
        let searchDraws = problem.objective.geneticSearchDraws
        var chosen = try RunChoice.finish(
            local: local, localMethod: plan.local?.rawValue ?? "slsqp", localEvaluations: evaluations,
            crossCheck: plan.crossCheck, choice: choice, searchDraws: min(problem.drawCount, searchDraws),
            search: {
                // The genetic algorithm searches a subsample of evenly spaced draws; its plan is judged on all.
                let searchEvaluator = PlanEvaluator(problem.subsampled(to: searchDraws))
                var search = GeneticSearch(seed: seed, patience: plan.geneticPatience, maxGenerations: plan.geneticGenerations)
                if local != nil {
                    search.tolerance = strategy.crossCheckTolerance
                    if !problem.isFlat { search.maximumSize = strategy.crossCheckPopulation(channels: problem.channels.count) }
                }
                let span = (0..<problem.dimension).map { min(feasible.cellUpper[$0] - feasible.cellLower[$0], problem.budget / Double(problem.periods)) }
                // A schedule's children are repaired to a looser tolerance (a search needs no
                // more); the plan it returns is repaired to the full one. One period's repair is exact.
                var run = search.solve(starts: starts + (local.map { [$0.plan] } ?? []), span: span,
                                       repair: { feasible.project($0, tolerance: 1e-7, iterations: 300) },
                                       random: { feasible.random(using: &$0) }, evaluate: searchEvaluator.evaluate)
                if !problem.isFlat { run.plan = feasible.project(run.plan) }
                return run
            },
            value: evaluator.evaluate, magnitude: { evaluator.magnitude }, started: clock, notices: notices,
            failure: "no optimizer found a feasible plan")
        if plan.polishSlivers {
            chosen.plan = polishSlivers(chosen.plan, problem: problem, feasible: feasible, evaluator: evaluator, resolve: plan.resolveSlivers)
        }
        RunChoice.neverWorseThanStart(&chosen, start: given, value: evaluator.evaluate)
        return chosen
    }

    /// The local method's best feasible run, or nil (with a notice). Adds evaluations made on
    /// subsamples, as a count on all draws, to `evaluations` (the full evaluator's own are
    /// counted by the caller).
    private func localRun(_ method: SolverStrategy.LocalMethod, plan: SolverStrategy.Choice, problem: PlanProblem, starts: [[Double]],
                          fixedStarts: Int, feasible: FeasibleSet, evaluator: PlanEvaluator,
                          evaluations: inout Int, notices: inout [String]) -> SolverRun? {
        let tolerance = problem.isFlat ? 1e-9 : 1e-7
        func usable(_ run: SolverRun) -> Bool { run.status.pointIsUsable && run.value.isFinite && feasible.isFeasible(run.plan, tolerance: tolerance) }
        let all = Double(max(problem.drawCount, 1))
        func countShare(_ e: PlanEvaluator) { evaluations += Int((Double(e.evaluations) * Double(e.draws) / all).rounded(.up)) }
        if method == .newton && problem.isFlat {
            // Expected revenue is a sum of one curve per row: Newton's method with the exact
            // diagonal Hessian converges in a few steps on all draws.
            let run = DiagonalNewtonSolver(problem: problem, feasible: feasible).solve(from: starts[0], evaluator: evaluator)
            if usable(run) {
                notices.append("Newton's method on the separable objective: \(run.evaluations) evaluations on all \(problem.drawCount) draws, \(run.status)")
                return run
            }
            let reason = !run.status.pointIsUsable || !run.value.isFinite ? "ended with '\(run.status)'" : "ended outside the budget or bounds"
            notices.append("Newton's method \(reason); SLSQP planned instead")
            var fallback = plan
            fallback.coarseThenPolish = true
            return localRun(.slsqp, plan: fallback, problem: problem, starts: starts, fixedStarts: fixedStarts, feasible: feasible,
                            evaluator: evaluator, evaluations: &evaluations, notices: &notices)
        }
        if method == .newton {
            let newton = BlockNewtonRun(problem: problem, feasible: feasible, strategy: strategy)
            return newton.solve(from: starts[0], evaluator: evaluator, evaluations: &evaluations, notices: &notices)
        }
        if plan.coarseThenPolish {
            // Many rows: one SLSQP run on a subsample of draws, then a short polish on all. Each
            // evaluation costs rows × draws curve evaluations and SLSQP's dense steps grow with the
            // cube of the variables, so a multi-start would take minutes here.
            let coarseProblem = problem.subsampled(to: strategy.coarseDraws)
            var coarseSolver = SLSQPSolver(problem: coarseProblem, feasible: feasible, strategy: strategy)
            coarseSolver.maxEvaluations = 100
            let coarse = coarseSolver.solve(from: starts[0], evaluator: PlanEvaluator(coarseProblem))
            var polish = SLSQPSolver(problem: problem, feasible: feasible, strategy: strategy)
            polish.maxEvaluations = 15
            let run = polish.solve(from: coarse.status.pointIsUsable ? coarse.plan : starts[0], evaluator: evaluator)
            guard usable(run) else { notices.append("SLSQP ended with '\(run.status)'"); return nil }
            notices.append("SLSQP ran \(coarse.evaluations) evaluations on \(coarseProblem.drawCount) draws, then \(run.evaluations) on all \(problem.drawCount)")
            return run
        }
        if plan.multiStart {
            let solver = SLSQPSolver(problem: problem, feasible: feasible, strategy: strategy)
            var best: SolverRun?
            var firstValues: [Double] = []
            for (i, s) in starts.enumerated() {
                // Random starts only when the given plan and the even split disagree: on a concave
                // problem both reach the one optimum, and S-shaped curves show up as disagreement.
                if i == fixedStarts, firstValues.count == fixedStarts, fixedStarts == 2,
                   abs(firstValues[0] - firstValues[1]) <= 1e-9 * max(abs(firstValues[0]), 1e-300) { break }
                let run = solver.solve(from: s, evaluator: evaluator)
                guard usable(run) else {
                    notices.append("SLSQP from one start ended with '\(run.status)'; that start was discarded")
                    continue
                }
                if i < fixedStarts { firstValues.append(run.value) }
                if best == nil || run.value > best!.value { best = run }
            }
            return best
        }
        // One start: the given plan or the even one. SLSQP first learns its quasi-Newton
        // Hessian on a few hundred evenly spaced draws, then polishes on all of them from there:
        // most iterations then cost a tenth as much.
        var point = starts[0]
        if problem.drawCount > 2 * strategy.coarseDraws {
            let coarseEvaluator = PlanEvaluator(problem.subsampled(to: strategy.coarseDraws))
            var coarseSolver = SLSQPSolver(problem: problem.subsampled(to: strategy.coarseDraws), feasible: feasible, strategy: strategy)
            coarseSolver.largeEvaluations = coarseSolver.maxEvaluations  // a tenth of the cost: let it converge
            let run = coarseSolver.solve(from: point, evaluator: coarseEvaluator)
            countShare(coarseEvaluator)
            if usable(run) { point = run.plan }
        }
        let run = SLSQPSolver(problem: problem, feasible: feasible, strategy: strategy).solve(from: point, evaluator: evaluator)
        guard usable(run) else { notices.append("SLSQP ended with '\(run.status)'; its plan was discarded"); return nil }
        return run
    }

    /// `SmallSpendPolish`, then (when `resolve` and the polish found slivers) one more SLSQP run
    /// with the rows still in the corner held where the polish put them: without that corner
    /// SLSQP meets the other rows' conditions to its tolerance, which it cannot while they are
    /// free. Up to three rounds; each step is kept only when feasible and no worse.
    private func polishSlivers(_ plan: [Double], problem: PlanProblem, feasible: FeasibleSet, evaluator: PlanEvaluator,
                               resolve: Bool) -> [Double] {
        let polish = SmallSpendPolish(problem: problem, feasible: feasible)
        var current = plan
        // A few rounds: each polish moves the slivers against the others' common marginal and
        // balances the budget on one interior row; the re-solve then evens the others out.
        for _ in 0..<3 {
            let (polished, slivers) = polish.polish(current, evaluator: evaluator)
            guard resolve, polished != current || !slivers.isEmpty, slivers.count < plan.count,
                  let fixed = try? problem.fixing(slivers, at: polished)
            else { return polished }
            let run = SLSQPSolver(problem: fixed, feasible: FeasibleSet(fixed)).solve(from: polished, evaluator: PlanEvaluator(fixed))
            guard run.status.pointIsUsable, feasible.isFeasible(run.plan, tolerance: 1e-9),
                  evaluator.evaluate(run.plan) >= evaluator.evaluate(polished) else { return polished }
            current = run.plan
        }
        return current
    }
}
