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
             .maxEvaluationsReached, .maxTimeReached, .roundoffLimited, .stagnated, .generationLimit: true
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

/// One SLSQP run through NLopt on a scaled problem: budgets in units of budget/channels and the
/// objective divided by its size at the start, so that gradients are of order one (tiny
/// gradients are what stop SLSQP after one iteration at an even split).
struct SLSQPSolver {
    let problem: BudgetProblem
    let feasible: FeasibleSet
    var maxEvaluations = 400

    /// Context the C callbacks reach through their `void *` argument.
    private final class Context {
        let evaluator: ObjectiveEvaluator
        let scale: Double
        let objectiveScale: Double
        var unscaled: [Double]
        var gradient: [Double]
        var evaluations = 0
        var error: String?
        init(_ e: ObjectiveEvaluator, scale: Double, objectiveScale: Double, n: Int) {
            evaluator = e; self.scale = scale; self.objectiveScale = objectiveScale
            unscaled = .init(repeating: 0, count: n); gradient = .init(repeating: 0, count: n)
        }
    }

    func solve(from start: [Double], evaluator: ObjectiveEvaluator) -> SolverRun {
        let n = problem.channels.count
        let scale = max(problem.budget / Double(n), 1e-12)
        let startValue = evaluator.evaluate(start)
        let objectiveScale = max(abs(startValue), 1e-12)
        let context = Context(evaluator, scale: scale, objectiveScale: objectiveScale, n: n)
        guard let opt = nlopt_create(NLOPT_LD_SLSQP, UInt32(n)) else {
            return SolverRun(plan: start, value: startValue, status: .outOfMemory, evaluations: 0)
        }
        defer { nlopt_destroy(opt) }
        var lower = problem.lower.map { $0 / scale }, upper = problem.upper.map { $0 / scale }
        nlopt_set_lower_bounds(opt, &lower)
        nlopt_set_upper_bounds(opt, &upper)
        let raw = Unmanaged.passUnretained(context).toOpaque()
        nlopt_set_max_objective(opt, { count, x, grad, data in
            let ctx = Unmanaged<Context>.fromOpaque(data!).takeUnretainedValue()
            let n = Int(count)
            for c in 0..<n { ctx.unscaled[c] = x![c] * ctx.scale }
            ctx.evaluations += 1
            let value = ctx.unscaled.withUnsafeBufferPointer { b in
                ctx.gradient.withUnsafeMutableBufferPointer { g in ctx.evaluator.evaluate(b, gradient: g) }
            }
            guard value.isFinite, ctx.gradient.allSatisfy(\.isFinite) else {
                // Never unwind through C: remember what went wrong and ask NLopt to stop.
                ctx.error = "the objective is not finite at a plan"
                return -Double.greatestFiniteMagnitude
            }
            if let grad { for c in 0..<n { grad[c] = ctx.gradient[c] * ctx.scale / ctx.objectiveScale } }
            return value / ctx.objectiveScale
        }, raw)
        var target = problem.budget / scale
        nlopt_add_equality_constraint(opt, { count, x, grad, data in
            let n = Int(count)
            let total = data!.load(as: Double.self)
            var s = 0.0
            for c in 0..<n { s += x![c] }
            if let grad { for c in 0..<n { grad[c] = 1 } }
            return s - total
        }, &target, 1e-10 * max(1, target))
        nlopt_set_ftol_rel(opt, 1e-12)
        nlopt_set_xtol_rel(opt, 1e-10)
        nlopt_set_maxeval(opt, Int32(maxEvaluations))
        var x = start.map { $0 / scale }
        var value = 0.0
        var result = nlopt_optimize(opt, &x, &value)
        if context.error != nil { result = NLOPT_FORCED_STOP }
        // SLSQP meets the equality to its tolerance; the plan must spend the budget exactly.
        let plan = feasible.project(x.map { $0 * scale })
        let planValue = evaluator.evaluate(plan)
        return SolverRun(plan: plan, value: planValue, status: SolverStatus(result), evaluations: context.evaluations + 2)
    }
}
