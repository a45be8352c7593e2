import CNLopt

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

