import CNLopt
import Foundation

/// How an NLopt run ended, in NLopt's own terms.
public enum SolverStatus: Sendable, Equatable, CustomStringConvertible {
    case success, stopValueReached, functionToleranceReached, stepToleranceReached
    case maxEvaluationsReached, maxTimeReached
    /// NLopt stopped because rounding errors limited progress; the point is often still good and is
    /// kept when feasible.
    case roundoffLimited
    case failure, invalidArguments, outOfMemory, forcedStop
    /// The genetic algorithm stopped because the best plan stopped improving.
    case stagnated
    /// The genetic algorithm reached its generation limit.
    case generationLimit
    /// Newton's method ran out of iterations (its point is kept).
    case iterationLimit
    /// Newton's method found no ascent step although its step was not short (its point is kept).
    case stalled

    init(_ r: nlopt_result) {
        switch r {
        case NLOPT_SUCCESS: self = .success
        case NLOPT_STOPVAL_REACHED: self = .stopValueReached
        case NLOPT_FTOL_REACHED: self = .functionToleranceReached
        case NLOPT_XTOL_REACHED: self = .stepToleranceReached
        case NLOPT_MAXEVAL_REACHED: self = .maxEvaluationsReached
        case NLOPT_MAXTIME_REACHED: self = .maxTimeReached
        case NLOPT_ROUNDOFF_LIMITED: self = .roundoffLimited
        case NLOPT_INVALID_ARGS: self = .invalidArguments
        case NLOPT_OUT_OF_MEMORY: self = .outOfMemory
        case NLOPT_FORCED_STOP: self = .forcedStop
        default: self = .failure
        }
    }

    /// Whether the final point may be used (if it is also feasible).
    var pointIsUsable: Bool {
        switch self {
        case .success, .stopValueReached, .functionToleranceReached, .stepToleranceReached,
             .maxEvaluationsReached, .maxTimeReached, .roundoffLimited, .stagnated, .generationLimit,
             .iterationLimit, .stalled: true
        case .failure, .invalidArguments, .outOfMemory, .forcedStop: false
        }
    }

    public var description: String {
        switch self {
        case .success: "success"
        case .stopValueReached: "stop value reached"
        case .functionToleranceReached: "converged (objective tolerance)"
        case .stepToleranceReached: "converged (step tolerance)"
        case .maxEvaluationsReached: "evaluation limit reached"
        case .maxTimeReached: "time limit reached"
        case .roundoffLimited: "roundoff limited (point kept)"
        case .failure: "failure"
        case .invalidArguments: "invalid arguments"
        case .outOfMemory: "out of memory"
        case .forcedStop: "stopped"
        case .stagnated: "converged (no improvement)"
        case .generationLimit: "generation limit reached"
        case .iterationLimit: "iteration limit reached"
        case .stalled: "stopped short (no ascent step; point kept)"
        }
    }
}

/// What one optimizer run ended with.
struct SolverRun {
    var plan: [Double]
    /// The objective at `plan`, on the draws the run searched.
    var value: Double
    var status: SolverStatus
    var evaluations: Int
}

/// One group's total as an NLopt inequality, sign·(Σ weight·x − bound) ≤ 0 (sign 1: at most the
/// bound; −1: at least), reached by the C callback through its `void *` argument.
private final class GroupConstraint {
    let members: [Int], weights: [Double], bound: Double, sign: Double
    init(members: [Int], weights: [Double], bound: Double, sign: Double) {
        self.members = members; self.weights = weights; self.bound = bound; self.sign = sign
    }
}

/// One SLSQP run through NLopt on a rescaled problem.
///
/// SLSQP starts its quasi-Newton Hessian at the identity, so the variables are chosen to make the
/// identity nearly right: channel c's variable is y_c = b_c / σ_c with σ_c = √(J₀ / |∂²J/∂b_c²|)
/// measured at the start, and the objective is divided by J₀, its size there. The objective over
/// draws is a sum of one curve per channel, so its Hessian is close to diagonal and the first step
/// is close to Newton's. Gradients then are neither tiny (what stops SLSQP after one iteration at
/// an even split) nor huge, and the run needs tens of evaluations where a plain scaling by
/// budget/channels needs hundreds.
struct SLSQPSolver {
    let problem: BudgetProblem
    let feasible: FeasibleSet
    var maxEvaluations = 400

    /// Context the C callbacks reach through their `void *` argument: the scaled objective and
    /// the budget constraint's data.
    private final class Context: ScaledObjective {
        /// σ_c / (budget/channels): the budget constraint's gradient in y, of order one.
        let constraintWeights: [Double]
        /// The budget in units of budget/channels.
        let constraintTarget: Double
        init(_ e: ObjectiveEvaluator, scales: [Double], unit: Double, budget: Double, objectiveScale: Double) {
            constraintWeights = scales.map { $0 / unit }
            constraintTarget = budget / unit
            super.init(e, scales: scales, objectiveScale: objectiveScale)
        }
    }

    /// σ_c from the objective's curvature along each channel at `start` (`curvatureScales`).
    func variableScales(at start: [Double], gradient g0: [Double], objectiveScale: Double, evaluator: ObjectiveEvaluator) -> [Double] {
        curvatureScales(at: start, gradient: g0, objectiveScale: objectiveScale, budget: problem.budget) {
            evaluator.evaluateWithGradient($0).1
        }
    }

    func solve(from start: [Double], evaluator: ObjectiveEvaluator) -> SolverRun {
        let n = problem.channels.count
        let unit = max(problem.budget / Double(n), 1e-12)
        let (startValue, startGradient) = evaluator.evaluateWithGradient(start)
        let objectiveScale = max(abs(startValue), evaluator.magnitude, 1e-12)
        let scales = variableScales(at: start, gradient: startGradient, objectiveScale: objectiveScale, evaluator: evaluator)
        let context = Context(evaluator, scales: scales, unit: unit, budget: problem.budget, objectiveScale: objectiveScale)
        guard let opt = nlopt_create(NLOPT_LD_SLSQP, UInt32(n)) else {
            return SolverRun(plan: start, value: startValue, status: .outOfMemory, evaluations: 0)
        }
        defer { nlopt_destroy(opt) }
        var lower = (0..<n).map { problem.lower[$0] / scales[$0] }, upper = (0..<n).map { problem.upper[$0] / scales[$0] }
        nlopt_set_lower_bounds(opt, &lower)
        nlopt_set_upper_bounds(opt, &upper)
        let raw = Unmanaged.passUnretained(context).toOpaque()
        nlopt_set_max_objective(opt, scaledObjectiveCallback, raw)
        nlopt_add_equality_constraint(opt, { count, x, grad, data in
            let ctx = Unmanaged<Context>.fromOpaque(data!).takeUnretainedValue()
            let n = Int(count)
            var s = 0.0
            for c in 0..<n { s += x![c] * ctx.constraintWeights[c] }
            if let grad { for c in 0..<n { grad[c] = ctx.constraintWeights[c] } }
            return s - ctx.constraintTarget
        }, raw, 1e-10 * max(1, context.constraintTarget))
        // Group totals as pairs of inequalities, in the same units as the budget constraint.
        let groupConstraints = problem.groups.flatMap { g in
            [GroupConstraint(members: g.members, weights: g.members.map { scales[$0] / unit }, bound: g.upper / unit, sign: 1),
             GroupConstraint(members: g.members, weights: g.members.map { scales[$0] / unit }, bound: g.lower / unit, sign: -1)]
        }
        for constraint in groupConstraints {
            nlopt_add_inequality_constraint(opt, { count, x, grad, data in
                let g = Unmanaged<GroupConstraint>.fromOpaque(data!).takeUnretainedValue()
                var s = 0.0
                for (k, c) in g.members.enumerated() { s += x![c] * g.weights[k] }
                if let grad {
                    for c in 0..<Int(count) { grad[c] = 0 }
                    for (k, c) in g.members.enumerated() { grad[c] = g.sign * g.weights[k] }
                }
                return g.sign * (s - g.bound)
            }, Unmanaged.passUnretained(constraint).toOpaque(), 1e-10 * max(1, constraint.bound))
        }
        nlopt_set_ftol_rel(opt, 1e-12)
        nlopt_set_xtol_rel(opt, 1e-10)
        nlopt_set_maxeval(opt, Int32(maxEvaluations))
        var x = (0..<n).map { start[$0] / scales[$0] }
        var value = 0.0
        var result = withExtendedLifetime(groupConstraints) { nlopt_optimize(opt, &x, &value) }
        if context.failed { result = NLOPT_FORCED_STOP }
        // SLSQP meets the equality to its tolerance; the plan must spend the budget exactly.
        let plan = feasible.project((0..<n).map { x[$0] * scales[$0] })
        let planValue = evaluator.evaluate(plan)
        return SolverRun(plan: plan, value: planValue, status: SolverStatus(result), evaluations: context.evaluations + 3)
    }
}

/// SLSQP's variable scales σ_i = √(J₀ / |∂²J/∂x_i²|) at `start`, the curvature measured by a
/// forward difference of the gradient (`gradientAt`) with every variable moved at once (exact for
/// the diagonal when the objective is a sum of per-variable curves). Flat or convex directions get
/// the typical scale; every ratio to budget/variables stays in [1e-3, 1e3]. Shared by the flat and
/// the schedule solvers.
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
