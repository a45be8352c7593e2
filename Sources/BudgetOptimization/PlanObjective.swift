import Foundation

/// What the plan maximizes across posterior draws of total revenue R_d = Σ_c r_{d,c}(b_c).
public enum PlanObjective: Sendable, Equatable, CustomStringConvertible {
    /// Expected revenue (the default).
    case mean
    /// mean(R) − λ·sd(R): risk-averse, λ ≥ 0.
    case meanMinusSD(lambda: Double)
    /// Mean of the worst α share of draws (conditional value at risk), 0 < α ≤ 1.
    case cvar(alpha: Double)
    /// Mean of the worst α share of draws of the uplift R_d − baseline_d, 0 < α ≤ 1: a plan that
    /// moves away from the baseline only as far as the posterior is sure it gains.
    /// `baseline` is the baseline plan's total revenue per draw, `[draws]`; the scenario parser
    /// leaves it empty and `anchoringUplift(at:)` fills it in.
    case cvarUplift(alpha: Double, baseline: [Double])

    public var description: String {
        switch self {
        case .mean: "mean"
        case .meanMinusSD(let l): "mean − \(l)·sd"
        case .cvar(let a): "CVaR \(a)"
        case .cvarUplift(let a, _): "CVaR \(a) of the uplift over the current mix"
        }
    }

    /// The same objective on the draws `indices` of `drawCount`: a per-draw baseline follows
    /// its draws.
    func restricted(to indices: [Int], of drawCount: Int) -> PlanObjective {
        guard case .cvarUplift(let a, let baseline) = self, baseline.count == drawCount else { return self }
        return .cvarUplift(alpha: a, baseline: indices.map { baseline[$0] })
    }

    /// - Throws: `BudgetError.invalid` naming the parameter that is out of range: λ < 0, a tail
    /// share outside (0, 1], or a `cvarUplift` baseline that is not one finite revenue per draw.
    func validate(drawCount d: Int) throws {
        switch self {
        case .mean: break
        case .meanMinusSD(let l):
            guard l >= 0, l.isFinite else { throw BudgetError.invalid("mean_minus_sd needs λ ≥ 0, got \(l)") }
        case .cvar(let a):
            guard a > 0, a <= 1 else { throw BudgetError.invalid("cvar needs a share of draws in (0, 1], got \(a)") }
        case .cvarUplift(let a, let baseline):
            guard a > 0, a <= 1 else { throw BudgetError.invalid("cvar_uplift needs a share of draws in (0, 1], got \(a)") }
            // An empty baseline is the parser's placeholder; the evaluator then reads it as zero
            // revenue, i.e. plain CVaR, until anchoringUplift(at:) sets it.
            guard baseline.isEmpty || baseline.count == d, baseline.allSatisfy(\.isFinite) else {
                throw BudgetError.invalid("cvar_uplift needs the baseline's revenue for each of the \(d) draws (finite), got \(baseline.count)")
            }
        }
    }

    /// The share of draws in the tail of a CVaR objective; nil for the others.
    public var tailShare: Double? {
        switch self {
        case .cvar(let a), .cvarUplift(let a, _): a
        case .mean, .meanMinusSD: nil
        }
    }
}

/// A group of a problem's variables whose total must stay in [lower, upper]: a channel's budget
/// summed over geos, or a geo's summed over channels, when the variables are (geo, channel) pairs.
public struct SpendGroup: Sendable, Equatable {
    /// Indices into the problem's variables.
    public var members: [Int]
    public var lower: Double
    public var upper: Double
    /// How the user named it (e.g. "tv", "g01"), for messages.
    public var label: String

    public init(members: [Int], lower: Double, upper: Double, label: String) {
        self.members = members; self.lower = lower; self.upper = upper; self.label = label
    }
}

/// A budget that a group of planned periods must spend exactly (a month's budget).
public struct PeriodBudget: Sendable, Equatable {
    /// Planned period indices, 0-based, into `[periods]`.
    public var periods: [Int]
    /// Currency, spent exactly over those periods (all channels together).
    public var amount: Double
    /// How the user named it (e.g. "2027-01"), for messages.
    public var label: String

    public init(periods: [Int], amount: Double, label: String) {
        self.periods = periods; self.amount = amount; self.label = label
    }
}

/// Why a planning problem cannot be solved as stated.
public enum BudgetError: Error, Equatable, CustomStringConvertible {
    /// The budget and bounds admit no plan.
    case infeasible(String)
    /// A malformed problem.
    case invalid(String)
    /// Every optimizer failed.
    case failed(String)

    public var description: String {
        switch self {
        case .infeasible(let s), .invalid(let s), .failed(let s): s
        }
    }
}

/// An amount for messages: 1,250,000 as "1.25M", small values as they are.
func amount(_ x: Double) -> String {
    let a = abs(x)
    if a >= 1e9 { return String(format: "%.3gB", x / 1e9) }
    if a >= 1e6 { return String(format: "%.3gM", x / 1e6) }
    if a >= 1e4 { return String(format: "%.3gk", x / 1e3) }
    return String(format: "%.4g", x)
}
