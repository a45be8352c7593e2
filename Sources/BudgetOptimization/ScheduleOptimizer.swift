import Foundation

/// Maximizes the objective over feasible schedules: the local method `SolverStrategy` chooses
/// from the given (or the even) schedule, the genetic algorithm as fallback or cross-check, all
/// on the same feasible set.
public struct ScheduleOptimizer: Sendable {
    public var choice: OptimizerChoice
    public var seed: UInt64
    /// Random schedules added to the genetic algorithm's first population (default 2).
    public var randomStarts: Int
    /// Generations of the genetic algorithm (default 150): with one variable per cell it is a
    /// slow searcher, kept as a cross-check seeded with SLSQP's plan rather than a solver.
    public var geneticGenerations: Int
    /// Which methods run on which problems (`SolverStrategy`): Newton's method past
    /// `newtonCells` under the mean, the subsample SLSQP first learns on.
    public var strategy = SolverStrategy()

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
        var slsqpEvaluations = 0
        let plan = strategy.schedule(cells: problem.dimension, objective: problem.objective, choice: choice)
        let coarseDraws = strategy.coarseDraws
        if let local = plan.local {
            // One start: the given schedule (the flat optimum spread evenly, in a plan) or the even
            // one. Concave curves have one optimum; S-shaped ones are the genetic algorithm's to
            // cross-check under `auto`. SLSQP first learns its quasi-Newton Hessian on a few hundred
            // evenly spaced draws, then polishes on all of them from there: most iterations then
            // cost a tenth as much.
            var point = starts[0]
            if local == .newton {
                slsqpBest = newton(problem, from: point, feasible: feasible, evaluator: evaluator, evaluations: &slsqpEvaluations, notices: &notices)
            } else {
                if problem.drawCount > 2 * coarseDraws {
                    let coarse = problem.subsampled(to: coarseDraws)
                    let coarseEvaluator = ScheduleEvaluator(coarse)
                    var coarseSolver = ScheduleSLSQPSolver(problem: coarse, feasible: feasible, strategy: strategy)
                    coarseSolver.largeEvaluations = coarseSolver.maxEvaluations  // a tenth of the cost: let it converge
                    let run = coarseSolver.solve(from: point, evaluator: coarseEvaluator)
                    slsqpEvaluations += Int((Double(coarseEvaluator.evaluations) * Double(coarse.drawCount) / Double(problem.drawCount)).rounded(.up))
                    if run.status.pointIsUsable, run.value.isFinite, feasible.isFeasible(run.plan, tolerance: 1e-7) { point = run.plan }
                }
                let run = ScheduleSLSQPSolver(problem: problem, feasible: feasible, strategy: strategy).solve(from: point, evaluator: evaluator)
                if run.status.pointIsUsable, run.value.isFinite, feasible.isFeasible(run.plan, tolerance: 1e-7) {
                    slsqpBest = run
                } else {
                    notices.append("SLSQP ended with '\(run.status)'; its schedule was discarded")
                }
            }
        }
        slsqpEvaluations += evaluator.evaluations
        var chosen = try RunChoice.finish(
            local: slsqpBest, localMethod: plan.local?.rawValue ?? "slsqp", localEvaluations: slsqpEvaluations,
            crossCheck: plan.crossCheck, choice: choice, searchDraws: min(problem.drawCount, problem.objective.geneticSearchDraws),
            search: {
                let searchProblem = problem.subsampled(to: problem.objective.geneticSearchDraws)
                let searchEvaluator = ScheduleEvaluator(searchProblem)
                let span = problem.caps.map { min($0, problem.budget / Double(problem.periods)) }
                var search = GeneticSearch(seed: seed, patience: 20, maxGenerations: geneticGenerations)
                if slsqpBest != nil { search.maximumSize = strategy.crossCheckPopulation(channels: problem.channels.count) }
                // Children are repaired to a looser tolerance (a search needs no more); the plan it
                // returns is repaired to the full one.
                var run = search.solve(starts: starts + (slsqpBest.map { [$0.plan] } ?? []), span: span,
                                       repair: { feasible.project($0, tolerance: 1e-7, iterations: 300) },
                                       random: { feasible.random(using: &$0) }, evaluate: searchEvaluator.evaluate)
                run.plan = feasible.project(run.plan)
                return run
            },
            value: evaluator.evaluate, magnitude: { evaluator.magnitude }, started: clock, notices: notices,
            failure: "no optimizer found a feasible schedule")
        RunChoice.neverWorseThanStart(&chosen, start: start == nil ? nil : starts.first, noun: "schedule", value: evaluator.evaluate)
        return chosen
    }

    /// Newton steps first on `coarseDraws` draws (the curvature on a quarter of them), then on all
    /// draws with the curvature from the `coarseDraws`. Channels that earn less than their money
    /// would elsewhere are tried switched off (`ScheduleChannelSwitch`), on the subsample when
    /// there is one; then both schedules are finished on all draws and the better kept. Nil (with
    /// a notice) when no usable feasible schedule came out. Adds the
    /// subsample's evaluations, as a share of all draws, to `evaluations` (the full evaluator's
    /// own are counted by the caller).
    private func newton(_ problem: ScheduleProblem, from start: [Double], feasible: ScheduleFeasibleSet, evaluator: ScheduleEvaluator,
                        evaluations: inout Int, notices: inout [String]) -> SolverRun? {
        let coarseDraws = strategy.coarseDraws
        let coarse = problem.subsampled(to: coarseDraws)
        let subsampled = coarse.drawCount < problem.drawCount
        let coarseEvaluator = ScheduleEvaluator(coarse)
        var points = [start]
        if subsampled {
            // The first pass only has to come close: its curvature from a quarter of its draws.
            let rough = ScheduleEvaluator(coarse.subsampled(to: max(coarseDraws / 4, 1)))
            let curvature = rough.draws < coarseEvaluator.draws ? rough : coarseEvaluator
            let run = ScheduleNewtonSolver(problem: coarse, feasible: feasible).solve(from: start, evaluator: coarseEvaluator, curvature: curvature)
            if run.status.pointIsUsable, run.value.isFinite, feasible.isFeasible(run.plan, tolerance: 1e-7) {
                points = [run.plan]
                let switched = ScheduleChannelSwitch(problem: coarse, feasible: feasible).improve(run, evaluator: coarseEvaluator, curvature: curvature)
                // The subsample can misjudge a switch, even as judged on all draws at its optimum
                // (measured: 1e-4 worse after finishing): both are finished, all draws choose.
                if switched.plan != run.plan { points.append(switched.plan) }
            }
            if curvature !== coarseEvaluator {
                evaluations += Int((Double(rough.evaluations) * Double(rough.draws) / Double(max(problem.drawCount, 1))).rounded(.up))
            }
        }
        let solver = ScheduleNewtonSolver(problem: problem, feasible: feasible)
        let curvature = subsampled ? coarseEvaluator : evaluator
        var best: SolverRun?
        for point in points {
            let run = solver.solve(from: point, evaluator: evaluator, curvature: curvature)
            guard run.status.pointIsUsable, run.value.isFinite, feasible.isFeasible(run.plan, tolerance: 1e-7) else {
                notices.append("Newton's method ended with '\(run.status)'; its schedule was discarded")
                continue
            }
            if run.value > best?.value ?? -.infinity { best = run }
        }
        if !subsampled, let run = best {
            best = ScheduleChannelSwitch(problem: problem, feasible: feasible).improve(run, evaluator: evaluator, curvature: evaluator)
        }
        evaluations += Int((Double(coarseEvaluator.evaluations) * Double(coarse.drawCount) / Double(max(problem.drawCount, 1))).rounded(.up))
        return best
    }
}
