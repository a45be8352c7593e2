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

