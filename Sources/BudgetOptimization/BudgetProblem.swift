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

/// A budget allocation problem: channels with responses over draws, a total budget that must be
/// spent exactly, per-channel [min, max] totals, and optional groups of channels whose totals
/// have their own [min, max].
public struct BudgetProblem: Sendable {
    public let channels: [String]
    public private(set) var responses: [any ChannelResponse]
    /// Total over the horizon.
    public let budget: Double
    /// Per channel, `[channels]`.
    public let lower: [Double]
    public let upper: [Double]
    public private(set) var objective: PlanObjective
    /// Groups of variables with their own [min, max] totals (default none).
    public let groups: [SpendGroup]

    public var drawCount: Int { responses.first?.drawCount ?? 0 }

    /// The same problem judged on at most `limit` evenly spaced draws. The genetic algorithm
    /// searches on it; every plan it returns is judged on all draws.
    func subsampled(to limit: Int) -> BudgetProblem {
        guard drawCount > limit else { return self }
        return restricted(to: (0..<limit).map { $0 * drawCount / limit })
    }

    /// The same problem on a subset of its draws (`indices` into `[drawCount]`); a per-draw
    /// baseline follows its draws.
    func restricted(to indices: [Int]) -> BudgetProblem {
        var copy = self
        copy.responses = responses.map { $0.restricted(to: indices) }
        copy.objective = objective.restricted(to: indices, of: drawCount)
        return copy
    }

    /// The same problem with the variables `indices` held at their values in `plan` (both bounds
    /// set there).
    func fixing(_ indices: [Int], at plan: [Double]) throws -> BudgetProblem {
        var lo = lower, hi = upper
        for i in indices { lo[i] = plan[i]; hi[i] = plan[i] }
        return try BudgetProblem(channels: channels, responses: responses, budget: budget, lower: lo, upper: hi,
                                 objective: objective, groups: groups)
    }

    /// The same problem with another objective (same draws, budget and bounds).
    public func with(objective: PlanObjective) throws -> BudgetProblem {
        try BudgetProblem(channels: channels, responses: responses, budget: budget, lower: lower, upper: upper, objective: objective,
                          groups: groups)
    }

    /// For `cvarUplift`: the problem whose baseline is `plan`'s total revenue per draw
    /// (`plan` is `[channels]`, currency over the horizon). Other objectives are returned as they are.
    public func anchoringUplift(at plan: [Double]) throws -> BudgetProblem {
        guard case .cvarUplift(let a, _) = objective else { return self }
        let evaluator = ObjectiveEvaluator(self)
        _ = evaluator.evaluate(plan)
        return try with(objective: .cvarUplift(alpha: a, baseline: evaluator.totals))
    }

    /// - Throws: `BudgetError` naming the numbers when the problem has no feasible plan.
    public init(channels: [String], responses: [any ChannelResponse], budget: Double,
                lower: [Double]? = nil, upper: [Double]? = nil, objective: PlanObjective = .mean,
                groups: [SpendGroup] = []) throws {
        let n = channels.count
        guard n > 0, responses.count == n else { throw BudgetError.invalid("a plan needs at least one channel with a response") }
        guard budget.isFinite, budget >= 0 else { throw BudgetError.invalid("the budget must be a non-negative amount, got \(budget)") }
        let d = responses[0].drawCount
        guard d > 0, responses.allSatisfy({ $0.drawCount == d }) else {
            throw BudgetError.invalid("every channel's response needs the same number of draws (at least one)")
        }
        let lo = lower ?? Array(repeating: 0, count: n)
        let hi = upper ?? Array(repeating: budget, count: n)
        for c in 0..<n {
            guard lo[c].isFinite, hi[c].isFinite, lo[c] >= 0 else {
                throw BudgetError.invalid("bounds of \(channels[c]) must be non-negative amounts, got [\(lo[c]), \(hi[c])]")
            }
            guard lo[c] <= hi[c] else {
                throw BudgetError.invalid("bounds of \(channels[c]): minimum \(amount(lo[c])) is above maximum \(amount(hi[c]))")
            }
        }
        let minimum = lo.reduce(0, +), maximum = hi.reduce(0, +)
        let slack = 1e-9 * max(budget, 1)
        if minimum > budget + slack {
            let parts = zip(channels, lo).filter { $0.1 > 0 }.map { "\($0.0) \(amount($0.1))" }.joined(separator: " + ")
            throw BudgetError.infeasible("the budget \(amount(budget)) is below the sum of the channel minimums \(amount(minimum)) (\(parts))")
        }
        if maximum < budget - slack {
            throw BudgetError.infeasible("the budget \(amount(budget)) is above the sum of the channel maximums \(amount(maximum)); raise a maximum or lower the budget")
        }
        for g in groups {
            guard !g.members.isEmpty, g.members.allSatisfy({ (0..<n).contains($0) }) else {
                throw BudgetError.invalid("the group \(g.label) names no variable of the problem")
            }
            guard g.lower.isFinite, g.upper.isFinite, g.lower >= 0, g.lower <= g.upper else {
                throw BudgetError.invalid("bounds of \(g.label) must be non-negative amounts with minimum ≤ maximum, got [\(amount(g.lower)), \(amount(g.upper))]")
            }
            let reach = (g.members.reduce(0) { $0 + lo[$1] }, g.members.reduce(0) { $0 + hi[$1] })
            if g.lower > reach.1 + slack || g.upper < reach.0 - slack || g.lower > budget + slack {
                throw BudgetError.infeasible("bounds of \(g.label) [\(amount(g.lower)), \(amount(g.upper))] cannot be met within the budget \(amount(budget)) and the bounds of its parts")
            }
        }
        let groupMinimum = groups.reduce(0) { $0 + $1.lower }
        if groupMinimum > budget + slack, Set(groups.flatMap(\.members)).count == groups.reduce(0, { $0 + $1.members.count }) {
            throw BudgetError.infeasible("the budget \(amount(budget)) is below the sum of the group minimums \(amount(groupMinimum))")
        }
        try objective.validate(drawCount: d)
        self.groups = groups
        self.channels = channels
        self.responses = responses
        self.budget = budget
        self.lower = lo
        self.upper = hi
        self.objective = objective
    }
}

/// Why a budget problem cannot be solved as stated.
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
