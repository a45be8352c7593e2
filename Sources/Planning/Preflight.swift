import Foundation
import MediaModel

/// Every check a run can make before sampling starts: the data (see `DesignCheck`), the budget
/// against the bounds, and each what-if against what its channels can give or take. A fit takes
/// seconds to minutes; a refusal after it wastes them, and one after writing leaves a mess.
public enum Preflight {
    /// How a what-if's starting plan is chosen.
    public enum Base: Sendable { case plan, current }

    /// Loads the scenario's data and checks it and the plan.
    /// - Parameters:
    ///   - budget: the command line's budget, overriding the scenario's.
    ///   - moves: what-ifs beyond the scenario's own (`mixplan whatif`), with their base.
    ///   - budgetRange: `mixplan frontier`'s shares of the budget, lowest and highest.
    /// - Returns: the loaded data, for the fit that follows.
    @discardableResult
    public static func check(_ scenario: Scenario, budget: Double? = nil, moves: [(WhatIf, Base)] = [],
                             budgetRange: (lowest: Double, highest: Double)? = nil) throws -> Dataset {
        let data = try DatasetLoader.load(scenario.data, minimumRows: 1)
        try DesignCheck.check(data, scenario: scenario)
        try checkPlan(scenario, data: data, budget: budget, moves: scenario.whatIfs.map { ($0, .plan) } + moves, budgetRange: budgetRange)
        return data
    }

    /// The plan's budget as `PlanRun` will use it.
    static func budget(_ scenario: Scenario, data: Dataset, override: Double?) -> Double {
        override ?? scenario.plan.budget ?? data.spend.map { $0.suffix(scenario.plan.horizon).reduce(0, +) }.reduce(0, +)
    }

    static func checkPlan(_ scenario: Scenario, data: Dataset, budget override: Double?, moves: [(WhatIf, Base)],
                          budgetRange: (lowest: Double, highest: Double)?) throws {
        let plan = scenario.plan
        let where_ = scenario.file
        let budget = budget(scenario, data: data, override: override)
        let source = override != nil ? "--budget" : plan.budget != nil ? "plan.budget" : "the last \(plan.horizon) periods' spend (the default budget)"
        guard budget > 0 else {
            throw InputError(.configuration, "\(where_): plan: \(source) is 0; set plan.budget to the total to plan over the horizon")
        }
        // A plan inside the data would read carry-in, seasonality and effectiveness from the week
        // after the data while its dates say otherwise.
        if let start = plan.start, let last = data.dates.last, let first = DatasetLoader.isoDay(start),
           let end = DatasetLoader.isoDay(last), first <= end {
            throw InputError(.configuration, "\(where_): plan.start: \(start) is not after the data's last period \(last); expected a date after it")
        }
        guard budget <= largestAmount else {
            throw InputError(.configuration, "\(where_): plan: \(source) is \(money(budget)), above the largest amount mixplan handles (1,000,000,000,000,000)")
        }
        // A budget a million times below what the history spends over a horizon is a typo (or a
        // unit mix-up); the curves there are all rounding noise, so the plan would be too.
        let periods = Double(max(data.periods, 1))
        let typical = data.spend.map { $0.reduce(0, +) }.reduce(0, +) / periods * Double(plan.horizon)
        let smallest = budget * (budgetRange?.lowest ?? 1)
        if typical > 0, smallest < 1e-6 * typical {
            throw InputError(.configuration, "\(where_): plan: \(source) \(money(smallest)) is below a millionth of what the history spends over \(plan.horizon) periods (\(money(typical))); is it in the data's units?")
        }
        if let range = budgetRange, budget * range.highest > largestAmount {
            throw InputError(.usage, "--to: \(money(budget * range.highest)) is above the largest amount mixplan handles (1,000,000,000,000,000)")
        }
        let channels = data.channels
        let lower = channels.map { plan.bounds[$0]?.min ?? 0 }
        let budgets = budgetRange.map { [budget * $0.lowest, budget * $0.highest] } ?? [budget]
        // A frontier skips the budgets its bounds cannot hold; a plan cannot.
        if budgetRange == nil {
            let minimum = lower.reduce(0, +), maximum = channels.indices.map { plan.bounds[channels[$0]]?.max ?? budget }.reduce(0, +)
            if minimum > budget * (1 + 1e-12) {
                let parts = zip(channels, lower).filter { $0.1 > 0 }.map { "\($0.0) \(money($0.1))" }.joined(separator: " + ")
                throw InputError(.configuration, "\(where_): plan.bounds: the budget \(money(budget)) is below the sum of the channel minimums \(money(minimum)) (\(parts)); lower a minimum or raise the budget")
            }
            if maximum < budget * (1 - 1e-12) {
                throw InputError(.configuration, "\(where_): plan.bounds: the budget \(money(budget)) is above the sum of the channel maximums \(money(maximum)); raise a maximum or lower the budget")
            }
        }
        try checkGeoPlan(scenario, data: data, budget: budget)
        if budgetRange == nil { try FlightingPlan.check(scenario, data: data, budget: budget) }
        let recent = data.spend.map { $0.suffix(plan.horizon).reduce(0, +) }
        let recentTotal = recent.reduce(0, +)
        for (move, base) in moves {
            guard let from = channels.firstIndex(of: move.from), let to = channels.firstIndex(of: move.to) else { continue }
            for b in budgets {
                let lo = lower, hi = channels.indices.map { min(plan.bounds[channels[$0]]?.max ?? b, b) }
                // In any plan within the budget and bounds, `from` spends at most this much.
                let othersMinimum = lower.indices.filter { $0 != from }.map { lower[$0] }.reduce(0, +)
                let fromMost = min(hi[from], b - othersMinimum)
                var room = min(fromMost - lo[from], hi[to] - lo[to])
                var detail = "\(move.from) can give at most \(money(max(fromMost - lo[from], 0))) and \(move.to) can take at most \(money(max(hi[to] - lo[to], 0))) within the budget \(money(b)) and the bounds"
                if case .current = base {
                    let current = recentTotal > 0 ? recent.map { $0 / recentTotal * b } : recent.map { _ in b / Double(recent.count) }
                    room = min(current[from] - lo[from], hi[to] - current[to])
                    detail = "in the current mix scaled to \(money(b)), \(move.from) spends \(money(current[from])) (minimum \(money(lo[from]))) and \(move.to) spends \(money(current[to])) (maximum \(money(hi[to])))"
                }
                if move.amount > max(room, 0) * (1 + 1e-12) + 1e-9 {
                    throw InputError(.configuration, "\(where_): what-if '\(move.name)': moves \(money(move.amount)) from \(move.from) to \(move.to), but \(detail); the largest possible move is \(money(max(room, 0)))")
                }
            }
        }
    }

    /// The plan keys that need geo data, and the ones geo plans do not take: `plan.by_geo` and
    /// `plan.geo_bounds` (with geos the data have) need geo data; geo plans are flat, so flighting,
    /// period budgets and weekly caps are refused with them.
    /// - Parameter budget: the plan's budget, when known: the geos' bounds must then leave room
    ///   for it.
    static func checkGeoPlan(_ scenario: Scenario, data: Dataset, budget: Double? = nil) throws {
        let plan = scenario.plan, file = scenario.file
        if plan.byGeo && !data.isGeo {
            throw InputError(.configuration, "\(file): plan.by_geo: the data have no geos (set data.geo to plan per geo)")
        }
        if !plan.geoBounds.isEmpty {
            guard data.isGeo, plan.byGeo else {
                throw InputError(.configuration, "\(file): plan.geo_bounds: caps per geo need geo data and plan.by_geo: true")
            }
            for geo in plan.geoBounds.keys.sorted() where !data.geos.contains(geo) {
                throw InputError(.configuration, "\(file): plan.geo_bounds: unknown geo '\(geo)'; geos are \(data.geos.prefix(12).joined(separator: ", "))\(data.geos.count > 12 ? ", …" : "")")
            }
            if let budget {
                // Each geo's minimum is spent whatever the plan, and its maximum caps it; a geo
                // without bounds takes any amount.
                let minimum = plan.geoBounds.values.reduce(0) { $0 + $1.min }
                if minimum > budget * (1 + 1e-12) {
                    throw InputError(.configuration, "\(file): plan.geo_bounds: the geos' minimums add up to \(money(minimum)), above the budget \(money(budget)); lower a minimum or raise the budget")
                }
                let maximum = plan.geoBounds.values.reduce(0) { $0 + $1.max }
                if Set(plan.geoBounds.keys) == Set(data.geos), maximum < budget * (1 - 1e-12) {
                    throw InputError(.configuration, "\(file): plan.geo_bounds: every geo is capped and the caps add up to \(money(maximum)), below the budget \(money(budget)); raise a maximum or lower the budget")
                }
            }
        }
        if data.isGeo {
            let f = plan.flighting
            guard !f.isScheduled, f.periodBudgets.isEmpty, f.weeklyMax.isEmpty, f.patterns.isEmpty else {
                throw InputError(.configuration, "\(file): plan.flighting, period_budgets and weekly_max are not supported with geo data yet; plan flat spend (flighting: flat)")
            }
        }
    }
}
