import Foundation

/// A planning problem: spend per (row, period), `[rows, periods]` row-major, maximizing the
/// objective over draws of R_d = Σ_r r_{d,r}(spend_r), subject to
///
/// - the total budget, spent exactly;
/// - per-period budgets (each group of periods spends its amount exactly);
/// - per-row totals in [lower_r, upper_r];
/// - per-cell caps 0 ≤ s_{r,t} ≤ cap_{r,t} (a cap of 0 keeps a row off in that period);
/// - groups of rows whose totals have their own [min, max] (one-period problems).
///
/// A row is a channel, or a (geo, channel) pair with groups per channel and per geo. A flat plan
/// is the one-period case: its row's response reads a total for the horizon (tied periods, see
/// `FlatSchedule`). A weekly plan has one variable per (channel, period).
public struct PlanProblem: Sendable {
    /// One name per row: a channel, or "geo/channel".
    public let channels: [String]
    /// Planned periods H (1 for a flat plan).
    public let periods: Int
    public private(set) var responses: [any ScheduleResponse]
    /// Total over the horizon, spent exactly.
    public let budget: Double
    /// Per-row totals over the periods, `[rows]`.
    public let lower: [Double]
    public let upper: [Double]
    /// Per-cell caps, `[rows, periods]`.
    public let caps: [Double]
    /// Disjoint groups of periods with their own budgets.
    public let periodBudgets: [PeriodBudget]
    /// Groups of rows whose totals have their own [min, max] (default none; one-period problems).
    public let groups: [SpendGroup]
    /// What the plan maximizes across draws.
    public private(set) var objective: PlanObjective

    public var drawCount: Int { responses.first?.drawCount ?? 0 }
    /// Variables: rows × periods.
    public var dimension: Int { channels.count * periods }
    /// Whether the plan is one total per row (no period structure to optimize).
    public var isFlat: Bool { periods == 1 }

    /// A cell's lower bound: a row's minimum when the row is its one cell, else 0 (the minimum
    /// binds the row's total).
    func cellLower(_ i: Int) -> Double { periods == 1 ? lower[i] : 0 }
    /// A cell's upper bound: its cap, and the row's maximum when the row is its one cell.
    func cellUpper(_ i: Int) -> Double { periods == 1 ? min(upper[i], caps[i]) : caps[i] }

    /// The groups whose sums are fixed: every stated period budget, then the remaining periods
    /// (if any) with what the total leaves them. Together they imply the total.
    var spendingGroups: [PeriodBudget] {
        let covered = Set(periodBudgets.flatMap(\.periods))
        let rest = (0..<periods).filter { !covered.contains($0) }
        guard !rest.isEmpty else { return periodBudgets }
        let left = budget - periodBudgets.reduce(0) { $0 + $1.amount }
        return periodBudgets + [PeriodBudget(periods: rest, amount: max(left, 0), label: "the other periods")]
    }

    /// Each row's total over the periods of `plan` (`[rows, periods]`), `[rows]`.
    public func rowTotals(_ plan: [Double]) -> [Double] {
        channels.indices.map { r in (0..<periods).reduce(0) { $0 + plan[r * periods + $1] } }
    }

    /// The same problem judged on at most `limit` evenly spaced draws (the genetic algorithm's
    /// search set, a first local pass).
    func subsampled(to limit: Int) -> PlanProblem {
        guard drawCount > limit else { return self }
        return restricted(to: (0..<limit).map { $0 * drawCount / limit })
    }

    /// The same problem on a subset of its draws (`indices` into `[drawCount]`); a per-draw
    /// baseline follows its draws.
    func restricted(to indices: [Int]) -> PlanProblem {
        var copy = self
        copy.responses = responses.map { $0.restricted(to: indices) }
        copy.objective = objective.restricted(to: indices, of: drawCount)
        return copy
    }

    /// The one-period problem whose rows spread their totals evenly over these periods (tied
    /// periods), without caps or period budgets: how plans of channel totals are compared on a
    /// schedule's curves (the experiment ranking). A one-period problem is its own.
    public func tied() throws -> PlanProblem {
        guard periods > 1 else { return self }
        return try PlanProblem(channels: channels, responses: responses.map { FlatSchedule($0) }, budget: budget,
                               lower: lower, upper: upper, objective: objective, groups: groups)
    }

    /// The same one-period problem with the rows `indices` held at their values in `plan`.
    func fixing(_ indices: [Int], at plan: [Double]) throws -> PlanProblem {
        precondition(isFlat, "rows are held at one total each")
        var lo = lower, hi = upper
        for i in indices { lo[i] = plan[i]; hi[i] = plan[i] }
        return try PlanProblem(channels: channels, periods: periods, responses: responses, budget: budget, lower: lo, upper: hi,
                               caps: caps, periodBudgets: periodBudgets, objective: objective, groups: groups)
    }

    /// The same problem with another objective (same draws, budget and bounds).
    public func with(objective: PlanObjective) throws -> PlanProblem {
        try PlanProblem(channels: channels, periods: periods, responses: responses, budget: budget, lower: lower, upper: upper,
                        caps: caps, periodBudgets: periodBudgets, objective: objective, groups: groups)
    }

    /// For `cvarUplift`: the problem whose baseline is `plan`'s total revenue per draw (`plan` is
    /// `[rows, periods]`, currency). Other objectives are returned as they are.
    public func anchoringUplift(at plan: [Double]) throws -> PlanProblem {
        guard case .cvarUplift(let a, _) = objective else { return self }
        let evaluator = PlanEvaluator(self)
        _ = evaluator.evaluate(plan)
        return try with(objective: .cvarUplift(alpha: a, baseline: evaluator.totals))
    }

    /// A flat problem: one total per row over the horizon.
    /// - Throws: `BudgetError` naming the numbers when the problem has no feasible plan.
    public init(channels: [String], responses: [any ChannelResponse], budget: Double,
                lower: [Double]? = nil, upper: [Double]? = nil, objective: PlanObjective = .mean,
                groups: [SpendGroup] = []) throws {
        try self.init(channels: channels, periods: 1, responses: responses.map { OnePeriodResponse($0) }, budget: budget,
                      lower: lower, upper: upper, objective: objective, groups: groups)
    }

    /// - Parameters:
    ///   - caps: `[rows, periods]`; nil leaves every cell capped by the budget only.
    ///   - groups: row groups, for one-period problems only.
    /// - Throws: `BudgetError` naming the numbers when the problem has no feasible plan.
    public init(channels: [String], periods: Int, responses: [any ScheduleResponse], budget: Double,
                lower: [Double]? = nil, upper: [Double]? = nil, caps: [Double]? = nil,
                periodBudgets: [PeriodBudget] = [], objective: PlanObjective = .mean, groups: [SpendGroup] = []) throws {
        let n = channels.count
        guard n > 0, periods > 0, responses.count == n else { throw BudgetError.invalid("a plan needs at least one channel with a response and one period") }
        guard responses.allSatisfy({ $0.periods == periods }) else { throw BudgetError.invalid("every channel's response needs \(periods) periods") }
        let d = responses[0].drawCount
        guard d > 0, responses.allSatisfy({ $0.drawCount == d }) else {
            throw BudgetError.invalid("every channel's response needs the same number of draws (at least one)")
        }
        guard budget.isFinite, budget >= 0 else { throw BudgetError.invalid("the budget must be a non-negative amount, got \(budget)") }
        guard groups.isEmpty || periods == 1 else { throw BudgetError.invalid("groups of rows need a one-period plan") }
        let lo = lower ?? Array(repeating: 0, count: n), hi = upper ?? Array(repeating: budget, count: n)
        let cap = caps ?? Array(repeating: budget, count: n * periods)
        guard cap.count == n * periods, cap.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw BudgetError.invalid("caps must be non-negative amounts, one per channel and period")
        }
        let slack = 1e-9 * max(budget, 1)
        for c in 0..<n {
            guard lo[c].isFinite, hi[c].isFinite, lo[c] >= 0 else {
                throw BudgetError.invalid("bounds of \(channels[c]) must be non-negative amounts, got [\(lo[c]), \(hi[c])]")
            }
            guard lo[c] <= hi[c] else {
                throw BudgetError.invalid("bounds of \(channels[c]): minimum \(amount(lo[c])) is above maximum \(amount(hi[c]))")
            }
            let reachable = (0..<periods).reduce(0) { $0 + cap[c * periods + $1] }
            if lo[c] > reachable + slack {
                throw BudgetError.infeasible("\(channels[c]) must spend at least \(amount(lo[c])) but its caps and on/off pattern allow only \(amount(reachable))")
            }
        }
        let minimum = lo.reduce(0, +), maximum = hi.reduce(0, +)
        if minimum > budget + slack {
            let parts = zip(channels, lo).filter { $0.1 > 0 }.map { "\($0.0) \(amount($0.1))" }.joined(separator: " + ")
            throw BudgetError.infeasible("the budget \(amount(budget)) is below the sum of the channel minimums \(amount(minimum)) (\(parts))")
        }
        if maximum < budget - slack {
            throw BudgetError.infeasible("the budget \(amount(budget)) is above the sum of the channel maximums \(amount(maximum)); raise a maximum or lower the budget")
        }
        try Self.checkGroups(groups, names: channels, lower: lo, upper: hi, budget: budget)
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
        self.groups = groups
        for group in spendingGroups where periods > 1 {
            let room = group.periods.reduce(0.0) { s, t in s + (0..<n).reduce(0) { $0 + cap[$1 * periods + t] } }
            if room < group.amount - slack {
                throw BudgetError.infeasible("\(group.label) must spend \(amount(group.amount)) but the caps and on/off patterns of its periods allow only \(amount(room))")
            }
        }
        try objective.validate(drawCount: d)
    }

    /// - Throws: `BudgetError` when a group names no row, has malformed bounds, or cannot be met
    ///   within the budget and its rows' bounds.
    private static func checkGroups(_ groups: [SpendGroup], names: [String], lower lo: [Double], upper hi: [Double], budget: Double) throws {
        let n = names.count, slack = 1e-9 * max(budget, 1)
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
    }
}
