import Foundation

/// Which optimizer plans the budget.
public enum OptimizerChoice: String, Sendable, CaseIterable {
    /// SLSQP through NLopt, multi-started; falls back to the genetic algorithm if every start fails.
    case slsqp
    /// The built-in genetic algorithm only.
    case ga
    /// SLSQP, then the genetic algorithm as a cross-check; the better plan is kept (default).
    case auto
}

/// How the returned plan was found.
public struct OptimizerReport: Sendable {
    /// "slsqp", "newton" (Newton's method on a large separable problem, chosen by `slsqp` or
    /// `auto`) or "ga".
    public var method: String
    public var status: SolverStatus
    /// Objective evaluations in all: SLSQP's plus the genetic algorithm's.
    public var evaluations: Int { slsqpEvaluations + geneticEvaluations }
    /// SLSQP's evaluations on all draws, over every start (0 when it did not run).
    public var slsqpEvaluations: Int
    /// The genetic algorithm's evaluations, on at most `geneticSearchDraws` draws (0 when it did not run).
    public var geneticEvaluations: Int
    /// Draws the genetic algorithm searched on.
    public var geneticSearchDraws: Int
    public var seconds: Double
    /// Under `auto`: (SLSQP objective − GA objective) / |SLSQP objective|.
    public var crossCheckGap: Double?
    /// Notices for the user (fallbacks, a start that failed).
    public var notices: [String]
}

/// Maximizes the objective over feasible plans.
public struct BudgetOptimizer: Sendable {
    public var choice: OptimizerChoice
    /// Seed of the random starts and of the genetic algorithm.
    public var seed: UInt64
    /// Extra random starts for SLSQP beyond the given plan and the even split (default 3).
    public var randomStarts: Int

    /// Which methods run on which problems (`SolverStrategy`).
    public var strategy = SolverStrategy()

    public init(choice: OptimizerChoice = .auto, seed: UInt64 = 1, randomStarts: Int = 3) {
        self.choice = choice; self.seed = seed; self.randomStarts = randomStarts
    }

    /// - Parameter start: a plan to start from (the current mix), projected onto the feasible set.
    /// - Returns: the plan `[channels]` and how it was found.
    public func optimize(_ problem: BudgetProblem, start: [Double]? = nil) throws -> (plan: [Double], report: OptimizerReport) {
        let clock = Date()
        if case .cvarUplift(_, let baseline) = problem.objective, baseline.isEmpty {
            throw BudgetError.invalid("cvar_uplift needs the baseline's revenue per draw; anchor the problem at the current mix first")
        }
        let n = problem.channels.count
        let feasible = FeasibleSet(problem)
        let evaluator = ObjectiveEvaluator(problem)
        var rng = SplitMix(seed: seed)
        var starts: [[Double]] = []
        if let start { starts.append(feasible.project(start)) }
        starts.append(feasible.evenSplit(channels: n))
        for _ in 0..<randomStarts { starts.append(feasible.random(channels: n, using: &rng)) }
        var notices: [String] = []

        var slsqpBest: SolverRun?
        var newtonPlanned = false
        // Many variables (a plan per geo and channel): one SLSQP run from the given plan on a
        // subsample of draws, then a short polish on all draws. Each evaluation costs variables ×
        // draws curve evaluations and SLSQP's dense steps grow with the cube of the variables, so
        // the multi-start and the genetic cross-check that suit a handful of channels would take
        // minutes here.
        let large = strategy.isLargeFlat(variables: n)
        let plan = strategy.flat(variables: n, objective: problem.objective, choice: choice)
        if plan.local == .newton {
            // Expected revenue is a sum of one curve per variable: Newton's method with the exact
            // diagonal Hessian (`SeparableNewtonSolver`) converges in a few steps on all draws.
            let run = SeparableNewtonSolver(problem: problem, feasible: feasible).solve(from: starts[0], evaluator: evaluator)
            if run.status.pointIsUsable, run.value.isFinite, feasible.isFeasible(run.plan, tolerance: 1e-9) {
                slsqpBest = run
                newtonPlanned = true
                notices.append("Newton's method on the separable objective: \(run.evaluations) evaluations on all \(problem.drawCount) draws, \(run.status)")
            } else {
                let reason = !run.status.pointIsUsable || !run.value.isFinite ? "ended with '\(run.status)'" : "ended outside the budget or bounds"
                notices.append("Newton's method \(reason); SLSQP planned instead")
            }
        }
        if plan.local != nil && !plan.multiStart && slsqpBest == nil {
            let first = starts[0]
            let coarseProblem = problem.subsampled(to: strategy.coarseDraws)
            var coarseSolver = SLSQPSolver(problem: coarseProblem, feasible: feasible)
            coarseSolver.maxEvaluations = 100
            let coarse = coarseSolver.solve(from: first, evaluator: ObjectiveEvaluator(coarseProblem))
            var polish = SLSQPSolver(problem: problem, feasible: feasible)
            polish.maxEvaluations = 15
            let run = polish.solve(from: coarse.status.pointIsUsable ? coarse.plan : first, evaluator: evaluator)
            if run.status.pointIsUsable, run.value.isFinite, feasible.isFeasible(run.plan, tolerance: 1e-9) {
                slsqpBest = run
                notices.append("SLSQP ran \(coarse.evaluations) evaluations on \(coarseProblem.drawCount) draws, then \(run.evaluations) on all \(problem.drawCount)")
            } else {
                notices.append("SLSQP ended with '\(run.status)'")
            }
        } else if plan.local != nil && plan.multiStart {
            let solver = SLSQPSolver(problem: problem, feasible: feasible)
            let fixedStarts = start == nil ? 1 : 2
            var firstValues: [Double] = []
            for (i, s) in starts.enumerated() {
                // Random starts only when the given plan and the even split disagree: on a concave
                // problem both reach the one optimum, and S-shaped curves show up as disagreement.
                if i == fixedStarts, firstValues.count == fixedStarts, fixedStarts == 2,
                   abs(firstValues[0] - firstValues[1]) <= 1e-9 * max(abs(firstValues[0]), 1e-300) { break }
                let run = solver.solve(from: s, evaluator: evaluator)
                guard run.status.pointIsUsable, run.value.isFinite, feasible.isFeasible(run.plan, tolerance: 1e-9) else {
                    notices.append("SLSQP from one start ended with '\(run.status)'; that start was discarded")
                    continue
                }
                if i < fixedStarts { firstValues.append(run.value) }
                if slsqpBest == nil || run.value > slsqpBest!.value { slsqpBest = run }
            }
        }
        if choice == .auto && !plan.crossCheck && slsqpBest != nil {
            notices.append("with \(n) variables the genetic algorithm's cross-check is skipped (optimizer: ga runs it alone)")
        }
        let slsqpEvaluations = evaluator.evaluations
        // The genetic algorithm searches a subsample of evenly spaced draws; its plan is judged on all.
        var chosen = try RunChoice.finish(
            local: slsqpBest, localMethod: newtonPlanned ? "newton" : "slsqp", localEvaluations: slsqpEvaluations,
            crossCheck: plan.crossCheck, choice: choice, searchDraws: min(problem.drawCount, problem.objective.geneticSearchDraws),
            search: {
                let searchProblem = problem.subsampled(to: problem.objective.geneticSearchDraws)
                var ga = GeneticSolver(problem: searchProblem, feasible: feasible)
                ga.seed = seed
                if slsqpBest != nil { ga.tolerance = strategy.crossCheckTolerance }
                return ga.solve(starts: starts + (slsqpBest.map { [$0.plan] } ?? []), evaluator: ObjectiveEvaluator(searchProblem))
            },
            value: evaluator.evaluate, magnitude: { evaluator.magnitude }, started: clock, notices: notices,
            failure: "no optimizer found a feasible plan")
        chosen.plan = polishSlivers(chosen.plan, problem: problem, feasible: feasible, evaluator: evaluator, resolve: !large)
        RunChoice.neverWorseThanStart(&chosen, start: start == nil ? nil : starts.first, noun: "plan", value: evaluator.evaluate)
        return chosen
    }

    /// `SmallSpendPolish`, then (when `resolve` and the polish found slivers) one more SLSQP run
    /// with the channels still in the corner held where the polish put them: without that corner
    /// SLSQP meets the other channels' conditions to its tolerance, which it cannot while they are
    /// free. Up to three rounds; each step is kept only when feasible and no worse.
    private func polishSlivers(_ plan: [Double], problem: BudgetProblem, feasible: FeasibleSet, evaluator: ObjectiveEvaluator,
                               resolve: Bool) -> [Double] {
        let polish = SmallSpendPolish(problem: problem, feasible: feasible)
        var current = plan
        // A few rounds: each polish moves the slivers against the others' common marginal and
        // balances the budget on one interior channel; the re-solve then evens the others out.
        for _ in 0..<3 {
            let (polished, slivers) = polish.polish(current, evaluator: evaluator)
            guard resolve, polished != current || !slivers.isEmpty, slivers.count < plan.count,
                  let fixed = try? problem.fixing(slivers, at: polished)
            else { return polished }
            let run = SLSQPSolver(problem: fixed, feasible: FeasibleSet(fixed)).solve(from: polished, evaluator: ObjectiveEvaluator(fixed))
            guard run.status.pointIsUsable, feasible.isFeasible(run.plan, tolerance: 1e-9),
                  evaluator.evaluate(run.plan) >= evaluator.evaluate(polished) else { return polished }
            current = run.plan
        }
        return current
    }
}
