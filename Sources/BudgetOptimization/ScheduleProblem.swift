import Foundation

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

/// A schedule allocation problem: spend per (channel, period), `[channels, periods]`
/// channel-major, maximizing the objective over draws of R_d = Σ_c r_{d,c}(schedule_c), subject to
///
/// - the total budget, spent exactly;
/// - per-period budgets (each group of periods spends its amount exactly);
/// - per-channel totals in [lower_c, upper_c];
/// - per-cell caps 0 ≤ s_{c,t} ≤ cap_{c,t} (a cap of 0 keeps a channel off in that period).
public struct ScheduleProblem: Sendable {
    public let channels: [String]
    /// Planned periods H.
    public let periods: Int
    public private(set) var responses: [any ScheduleResponse]
    public let budget: Double
    /// Per-channel totals over the periods, `[channels]`.
    public let lower: [Double]
    public let upper: [Double]
    /// Per-cell caps, `[channels, periods]`.
    public let caps: [Double]
    /// Disjoint groups of periods with their own budgets.
    public let periodBudgets: [PeriodBudget]
    /// What the schedule maximizes across draws.
    public private(set) var objective: PlanObjective

    public var drawCount: Int { responses.first?.drawCount ?? 0 }
    /// Variables: channels × periods.
    public var dimension: Int { channels.count * periods }

    /// The groups whose sums are fixed: every stated period budget, then the remaining periods
    /// (if any) with what the total leaves them. Together they imply the total.
    var spendingGroups: [PeriodBudget] {
        let covered = Set(periodBudgets.flatMap(\.periods))
        let rest = (0..<periods).filter { !covered.contains($0) }
        guard !rest.isEmpty else { return periodBudgets }
        let left = budget - periodBudgets.reduce(0) { $0 + $1.amount }
        return periodBudgets + [PeriodBudget(periods: rest, amount: max(left, 0), label: "the other periods")]
    }

    /// The same problem judged on at most `limit` evenly spaced draws (the genetic algorithm's
    /// search set).
    func subsampled(to limit: Int) -> ScheduleProblem {
        guard drawCount > limit else { return self }
        let indices = (0..<limit).map { $0 * drawCount / limit }
        var copy = self
        copy.responses = responses.map { $0.restricted(to: indices) }
        copy.objective = objective.restricted(to: indices, of: drawCount)
        return copy
    }

    /// - Parameters:
    ///   - caps: `[channels, periods]`; nil leaves every cell capped by the budget only.
    /// - Throws: `BudgetError` naming the numbers when the problem has no feasible plan.
    public init(channels: [String], periods: Int, responses: [any ScheduleResponse], budget: Double,
                lower: [Double]? = nil, upper: [Double]? = nil, caps: [Double]? = nil,
                periodBudgets: [PeriodBudget] = [], objective: PlanObjective = .mean) throws {
        let n = channels.count
        guard n > 0, periods > 0, responses.count == n else { throw BudgetError.invalid("a schedule needs at least one channel and one period") }
        guard responses.allSatisfy({ $0.periods == periods }) else { throw BudgetError.invalid("every channel's schedule response needs \(periods) periods") }
        let d = responses[0].drawCount
        guard d > 0, responses.allSatisfy({ $0.drawCount == d }) else {
            throw BudgetError.invalid("every channel's response needs the same number of draws (at least one)")
        }
        guard budget.isFinite, budget >= 0 else { throw BudgetError.invalid("the budget must be a non-negative amount, got \(budget)") }
        let lo = lower ?? Array(repeating: 0, count: n), hi = upper ?? Array(repeating: budget, count: n)
        let cap = caps ?? Array(repeating: budget, count: n * periods)
        guard cap.count == n * periods, cap.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw BudgetError.invalid("caps must be non-negative amounts, one per channel and period")
        }
        let slack = 1e-9 * max(budget, 1)
        for c in 0..<n {
            guard lo[c].isFinite, hi[c].isFinite, lo[c] >= 0, lo[c] <= hi[c] else {
                throw BudgetError.invalid("bounds of \(channels[c]) must be non-negative amounts with minimum ≤ maximum, got [\(amount(lo[c])), \(amount(hi[c]))]")
            }
            let reachable = (0..<periods).reduce(0) { $0 + cap[c * periods + $1] }
            if lo[c] > reachable + slack {
                throw BudgetError.infeasible("\(channels[c]) must spend at least \(amount(lo[c])) but its caps and on/off pattern allow only \(amount(reachable))")
            }
        }
        if lo.reduce(0, +) > budget + slack {
            throw BudgetError.infeasible("the budget \(amount(budget)) is below the sum of the channel minimums \(amount(lo.reduce(0, +)))")
        }
        if hi.reduce(0, +) < budget - slack {
            throw BudgetError.infeasible("the budget \(amount(budget)) is above the sum of the channel maximums \(amount(hi.reduce(0, +))); raise a maximum or lower the budget")
        }
        var seen = Set<Int>()
        for group in periodBudgets {
            guard group.amount.isFinite, group.amount >= 0 else { throw BudgetError.invalid("the budget of \(group.label) must be a non-negative amount") }
            guard !group.periods.isEmpty, group.periods.allSatisfy({ (0..<periods).contains($0) }) else {
                throw BudgetError.invalid("\(group.label) names no planned period (periods run 1 to \(periods))")
            }
            guard seen.isDisjoint(with: group.periods) else { throw BudgetError.invalid("\(group.label) overlaps another period budget") }
            seen.formUnion(group.periods)
        }
        let stated = periodBudgets.reduce(0) { $0 + $1.amount }
        if seen.count == periods, abs(stated - budget) > slack {
            throw BudgetError.infeasible("the period budgets cover every planned period and add up to \(amount(stated)), not the total budget \(amount(budget))")
        }
        if stated > budget + slack {
            throw BudgetError.infeasible("the period budgets add up to \(amount(stated)), above the total budget \(amount(budget))")
        }
        self.channels = channels; self.periods = periods; self.responses = responses; self.budget = budget
        self.lower = lo; self.upper = hi; self.caps = cap; self.periodBudgets = periodBudgets; self.objective = objective
        for group in spendingGroups {
            let room = group.periods.reduce(0.0) { s, t in s + (0..<n).reduce(0) { $0 + cap[$1 * periods + t] } }
            if room < group.amount - slack {
                throw BudgetError.infeasible("\(group.label) must spend \(amount(group.amount)) but the caps and on/off patterns of its periods allow only \(amount(room))")
            }
        }
        try objective.validate(drawCount: d)
    }
}
