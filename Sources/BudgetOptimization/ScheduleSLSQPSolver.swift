import CNLopt
import Foundation

/// One SLSQP run (an augmented Lagrangian around L-BFGS on large problems, which under the mean
/// objective `ScheduleNewtonSolver` takes instead) through NLopt on a schedule problem: the
/// spending groups as one vector equality
/// constraint, the channel totals as one vector inequality constraint, caps and on/off patterns
/// as bounds; every gradient analytic.
///
/// Variables are rescaled as in `SLSQPSolver`: cell i's variable is y_i = s_i/σ_i with σ_i from
/// the objective's curvature along the cell at the start, so SLSQP's initial identity Hessian is
/// close to right; constraints are measured in units of budget/cells so their gradients are of
/// order one.
struct ScheduleSLSQPSolver {
    let problem: ScheduleProblem
    let feasible: ScheduleFeasibleSet
    /// Which method runs at this size (`augmentedLagrangianCells`).
    var strategy = SolverStrategy()
    var maxEvaluations = 1500
    /// Evaluation limit of one augmented-Lagrangian run.
    var largeEvaluations = 400

    /// Context the C callbacks reach through their `void *` argument: the scaled objective and
    /// the data of the budget and channel constraints.
    private final class Context: ScaledObjective {
        let unit: Double
        let groups: [PeriodBudget]
        let channels: Int, periods: Int
        /// (channel, bound, sign): sign·(Σₜ s_{c,t} − bound) ≤ 0.
        let channelLimits: [(channel: Int, bound: Double, sign: Double)]
        init(_ e: ScheduleEvaluator, scales: [Double], unit: Double, objectiveScale: Double, problem: ScheduleProblem,
             limits: [(Int, Double, Double)]) {
            self.unit = unit
            groups = problem.spendingGroups; channels = problem.channels.count; periods = problem.periods
            channelLimits = limits
            super.init(e, scales: scales, objectiveScale: objectiveScale)
        }
    }

    func variableScales(at start: [Double], gradient g0: [Double], objectiveScale: Double, evaluator: ScheduleEvaluator) -> [Double] {
        curvatureScales(at: start, gradient: g0, objectiveScale: objectiveScale, budget: problem.budget) {
            evaluator.evaluateWithGradient($0).1
        }
    }

    func solve(from start: [Double], evaluator: ScheduleEvaluator) -> SolverRun {
        let n = problem.dimension, C = problem.channels.count, H = problem.periods
        let unit = max(problem.budget / Double(n), 1e-12)
        let (startValue, startGradient) = evaluator.evaluateWithGradient(start)
        // An uplift objective is near 0 at the current mix: its scale is then the revenue's.
        let objectiveScale = max(abs(startValue), evaluator.magnitude, 1e-12)
        let scales = variableScales(at: start, gradient: startGradient, objectiveScale: objectiveScale, evaluator: evaluator)
        var limits: [(Int, Double, Double)] = []
        for c in 0..<C {
            let reachable = (0..<H).reduce(0) { $0 + problem.caps[c * H + $1] }
            if problem.lower[c] > 0 { limits.append((c, problem.lower[c], -1)) }
            if problem.upper[c] < reachable { limits.append((c, problem.upper[c], 1)) }
        }
        let context = Context(evaluator, scales: scales, unit: unit, objectiveScale: objectiveScale, problem: problem, limits: limits)
        // SLSQP's dense subproblem costs O(n³) a step: past a few hundred cells an augmented
        // Lagrangian around L-BFGS (O(n) a step, bounds kept) reaches the optimum sooner; the
        // constraints and gradients are the same.
        let large = n > strategy.augmentedLagrangianCells
        guard let opt = nlopt_create(large ? NLOPT_AUGLAG : NLOPT_LD_SLSQP, UInt32(n)) else {
            return SolverRun(plan: start, value: startValue, status: .outOfMemory, evaluations: 0)
        }
        defer { nlopt_destroy(opt) }
        if large, let local = nlopt_create(NLOPT_LD_LBFGS, UInt32(n)) {
            nlopt_set_ftol_rel(local, 1e-12)
            nlopt_set_xtol_rel(local, 1e-10)
            nlopt_set_local_optimizer(opt, local)
            nlopt_destroy(local)
        }
        var lower = [Double](repeating: 0, count: n), upper = (0..<n).map { problem.caps[$0] / scales[$0] }
        nlopt_set_lower_bounds(opt, &lower)
        nlopt_set_upper_bounds(opt, &upper)
        let raw = Unmanaged.passUnretained(context).toOpaque()
        nlopt_set_max_objective(opt, scaledObjectiveCallback, raw)
        // Σ over a group's cells of σ_i·y_i equals its amount, in units of budget/cells.
        let groupTolerances = context.groups.map { 1e-10 * max(1, $0.amount / unit) }
        nlopt_add_equality_mconstraint(opt, UInt32(context.groups.count), { m, result, count, x, grad, data in
            let ctx = Unmanaged<Context>.fromOpaque(data!).takeUnretainedValue()
            let n = Int(count), H = ctx.periods
            if let grad { for i in 0..<(Int(m) * n) { grad[i] = 0 } }
            for (k, g) in ctx.groups.enumerated() {
                var s = 0.0
                for t in g.periods {
                    for c in 0..<ctx.channels {
                        let i = c * H + t
                        s += x![i] * ctx.scales[i]
                        grad?[k * n + i] = ctx.scales[i] / ctx.unit
                    }
                }
                result![k] = (s - g.amount) / ctx.unit
            }
        }, raw, groupTolerances)
        if !limits.isEmpty {
            let limitTolerances = limits.map { _ in 1e-10 * Double(H) }
            nlopt_add_inequality_mconstraint(opt, UInt32(limits.count), { m, result, count, x, grad, data in
                let ctx = Unmanaged<Context>.fromOpaque(data!).takeUnretainedValue()
                let n = Int(count), H = ctx.periods
                if let grad { for i in 0..<(Int(m) * n) { grad[i] = 0 } }
                for (k, limit) in ctx.channelLimits.enumerated() {
                    var s = 0.0
                    for t in 0..<H {
                        let i = limit.channel * H + t
                        s += x![i] * ctx.scales[i]
                        grad?[k * n + i] = limit.sign * ctx.scales[i] / ctx.unit
                    }
                    result![k] = limit.sign * (s - limit.bound) / ctx.unit
                }
            }, raw, limitTolerances)
        }
        nlopt_set_ftol_rel(opt, 1e-12)
        nlopt_set_xtol_rel(opt, 1e-10)
        // The augmented Lagrangian can crawl on tight budget equalities; its run is bounded and
        // the point kept (the optimizer's status and the KKT report say how far it got).
        nlopt_set_maxeval(opt, Int32(large ? min(maxEvaluations, largeEvaluations) : maxEvaluations))
        var x = (0..<n).map { min(start[$0] / scales[$0], upper[$0]) }
        var value = 0.0
        let before = evaluator.evaluations
        var result = nlopt_optimize(opt, &x, &value)
        if context.failed { result = NLOPT_FORCED_STOP }
        // SLSQP meets the constraints to its tolerance; the plan must spend the budgets exactly.
        let plan = feasible.project((0..<n).map { x[$0] * scales[$0] })
        let planValue = evaluator.evaluate(plan)
        return SolverRun(plan: plan, value: planValue, status: SolverStatus(result), evaluations: evaluator.evaluations - before + 3)
    }
}
