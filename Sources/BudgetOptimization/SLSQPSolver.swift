import CNLopt
import Foundation

/// One SLSQP run through NLopt on a plan problem (an augmented Lagrangian around L-BFGS on large
/// schedules, which under the mean objective Newton's method takes instead): cell bounds and caps
/// as bounds, each spending group's sum as an equality, row totals and row groups that can bind
/// as inequalities; every gradient analytic.
///
/// SLSQP starts its quasi-Newton Hessian at the identity, so the variables are chosen to make the
/// identity nearly right: cell i's variable is y_i = x_i / σ_i with σ_i = √(J₀ / |∂²J/∂x_i²|)
/// measured at the start, and the objective is divided by J₀, its size there. The objective over
/// draws is a sum of one curve per row, so its Hessian is close to block-diagonal and the first
/// step is close to Newton's. Gradients then are neither tiny (what stops SLSQP after one
/// iteration at an even split) nor huge, and the run needs tens of evaluations where a plain
/// scaling by budget/cells needs hundreds. Constraints are measured in units of budget/cells so
/// their gradients are of order one.
struct SLSQPSolver {
    let problem: PlanProblem
    let feasible: FeasibleSet
    /// Which method runs at this size (`augmentedLagrangianCells`).
    var strategy = SolverStrategy()
    /// Evaluation limit (default 400 for one period, 1500 for schedules).
    var maxEvaluations: Int
    /// Evaluation limit of one augmented-Lagrangian run (default 400).
    var largeEvaluations = 400

    init(problem: PlanProblem, feasible: FeasibleSet, strategy: SolverStrategy = SolverStrategy()) {
        self.problem = problem; self.feasible = feasible; self.strategy = strategy
        maxEvaluations = problem.isFlat ? 400 : 1500
    }

    /// A sum over cells against a bound: sign·(Σ x_i − bound) ≤ 0 (sign 1: at most; −1: at
    /// least), or = 0 for an equality (sign 1).
    fileprivate struct LinearSum {
        var cells: [Int]
        var bound: Double
        var sign: Double
    }

    /// Context the C callbacks reach through their `void *` argument: the scaled objective and
    /// the constraints' data.
    private final class Context: ScaledObjective {
        let unit: Double
        let equalities: [LinearSum]
        let inequalities: [LinearSum]
        init(_ e: PlanEvaluator, scales: [Double], unit: Double, objectiveScale: Double, equalities: [LinearSum], inequalities: [LinearSum]) {
            self.unit = unit; self.equalities = equalities; self.inequalities = inequalities
            super.init(e, scales: scales, objectiveScale: objectiveScale)
        }

        /// Each constraint's value sign·(Σ σ_i y_i − bound)/unit into `result`, its gradient into `grad`.
        func fill(_ sums: [LinearSum], _ n: Int, _ result: UnsafeMutablePointer<Double>, _ x: UnsafePointer<Double>,
                  _ grad: UnsafeMutablePointer<Double>?) {
            if let grad { for i in 0..<(sums.count * n) { grad[i] = 0 } }
            for (k, sum) in sums.enumerated() {
                var s = 0.0
                for i in sum.cells {
                    s += x[i] * scales[i]
                    grad?[k * n + i] = sum.sign * scales[i] / unit
                }
                result[k] = sum.sign * (s - sum.bound) / unit
            }
        }
    }

    /// The constraints beyond the bounds: spending groups (equalities); row totals that can
    /// bind, on schedules, and row groups at both ends (inequalities).
    private func constraints() -> (equalities: [LinearSum], inequalities: [LinearSum]) {
        let H = problem.periods, R = problem.channels.count
        let equalities = problem.spendingGroups.map { g in
            LinearSum(cells: g.periods.flatMap { t in (0..<R).map { $0 * H + t } }.sorted(), bound: g.amount, sign: 1)
        }
        var inequalities: [LinearSum] = []
        if H > 1 {
            for r in 0..<R {
                let cells = Array((r * H)..<((r + 1) * H))
                let reachable = cells.reduce(0) { $0 + problem.caps[$1] }
                if problem.lower[r] > 0 { inequalities.append(LinearSum(cells: cells, bound: problem.lower[r], sign: -1)) }
                if problem.upper[r] < reachable { inequalities.append(LinearSum(cells: cells, bound: problem.upper[r], sign: 1)) }
            }
        }
        for g in problem.groups {
            inequalities.append(LinearSum(cells: g.members, bound: g.upper, sign: 1))
            inequalities.append(LinearSum(cells: g.members, bound: g.lower, sign: -1))
        }
        return (equalities, inequalities)
    }

    func solve(from start: [Double], evaluator: PlanEvaluator) -> SolverRun {
        let n = problem.dimension
        let unit = max(problem.budget / Double(n), 1e-12)
        let (startValue, startGradient) = evaluator.evaluateWithGradient(start)
        // An uplift objective is near 0 at the current mix: its scale is then the revenue's.
        let objectiveScale = max(abs(startValue), evaluator.magnitude, 1e-12)
        let scales = curvatureScales(at: start, gradient: startGradient, objectiveScale: objectiveScale, budget: problem.budget) {
            evaluator.evaluateWithGradient($0).1
        }
        let (equalities, inequalities) = constraints()
        let context = Context(evaluator, scales: scales, unit: unit, objectiveScale: objectiveScale,
                              equalities: equalities, inequalities: inequalities)
        // SLSQP's dense subproblem costs O(n³) a step: past a few hundred cells an augmented
        // Lagrangian around L-BFGS (O(n) a step, bounds kept) reaches the optimum sooner; the
        // constraints and gradients are the same.
        let large = strategy.usesAugmentedLagrangian(problem)
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
        var lower = (0..<n).map { feasible.cellLower[$0] / scales[$0] }, upper = (0..<n).map { feasible.cellUpper[$0] / scales[$0] }
        nlopt_set_lower_bounds(opt, &lower)
        nlopt_set_upper_bounds(opt, &upper)
        let raw = Unmanaged.passUnretained(context).toOpaque()
        nlopt_set_max_objective(opt, scaledObjectiveCallback, raw)
        nlopt_add_equality_mconstraint(opt, UInt32(equalities.count), { _, result, count, x, grad, data in
            let ctx = Unmanaged<Context>.fromOpaque(data!).takeUnretainedValue()
            ctx.fill(ctx.equalities, Int(count), result!, x!, grad)
        }, raw, equalities.map { 1e-10 * max(1, $0.bound / unit) })
        if !inequalities.isEmpty {
            nlopt_add_inequality_mconstraint(opt, UInt32(inequalities.count), { _, result, count, x, grad, data in
                let ctx = Unmanaged<Context>.fromOpaque(data!).takeUnretainedValue()
                ctx.fill(ctx.inequalities, Int(count), result!, x!, grad)
            }, raw, inequalities.map { 1e-10 * max(1, $0.bound / unit) })
        }
        nlopt_set_ftol_rel(opt, 1e-12)
        nlopt_set_xtol_rel(opt, 1e-10)
        // The augmented Lagrangian can crawl on tight budget equalities; its run is bounded and
        // the point kept (the optimizer's status and the KKT report say how far it got).
        nlopt_set_maxeval(opt, Int32(large ? min(maxEvaluations, largeEvaluations) : maxEvaluations))
        var x = (0..<n).map { min(start[$0] / scales[$0], upper[$0]) }
        var value = 0.0
        var result = nlopt_optimize(opt, &x, &value)
        if context.failed { result = NLOPT_FORCED_STOP }
        // SLSQP meets the constraints to its tolerance; the plan must spend the budgets exactly.
        let plan = feasible.project((0..<n).map { x[$0] * scales[$0] })
        let planValue = evaluator.evaluate(plan)
        return SolverRun(plan: plan, value: planValue, status: SolverStatus(result), evaluations: context.evaluations + 3)
    }
}

/// SLSQP's variable scales σ_i = √(J₀ / |∂²J/∂x_i²|) at `start`, the curvature measured by a
/// forward difference of the gradient (`gradientAt`) with every variable moved at once (exact for
/// the diagonal when the objective is a sum of per-variable curves). Flat or convex directions get
/// the typical scale; every ratio to budget/variables stays in [1e-3, 1e3]. Used by SLSQP's scaling and
/// the diagonal Newton steps.
/// - Parameter g0: the objective's gradient at `start`.
func curvatureScales(at start: [Double], gradient g0: [Double], objectiveScale: Double, budget: Double,
                     gradientAt: ([Double]) -> [Double]) -> [Double] {
    let n = start.count
    let unit = max(budget / Double(n), 1e-12)
    let curvature = forwardCurvature(at: start, gradient: g0, floor: unit, gradientAt: gradientAt).map(abs)
    let positive = curvature.filter { $0 > 0 && $0.isFinite }.sorted()
    guard !positive.isEmpty else { return Array(repeating: unit, count: n) }
    let typical = positive[positive.count / 2]
    return curvature.map { h in
        let used = h.isFinite && h >= 1e-6 * typical ? h : typical
        return min(max((objectiveScale / used).squareRoot(), 1e-3 * unit), 1e3 * unit)
    }
}

/// −∂²J/∂b_c² for each variable, `[channels]`, from one forward step b + δ with
/// δ_c = 1e-4 · max(b_c, floor): exact for an objective that is a sum of one curve per variable
/// (every curvature from the same step), its diagonal otherwise.
func forwardCurvature(at x: [Double], gradient g0: [Double], floor: Double, gradientAt: ([Double]) -> [Double]) -> [Double] {
    let steps = x.map { 1e-4 * max($0, floor) }
    let g1 = gradientAt(zip(x, steps).map(+))
    return x.indices.map { -(g1[$0] - g0[$0]) / steps[$0] }
}
