import BudgetOptimization
import Foundation
import MediaModel

/// A plan laid out over its periods: the schedule (optimized per period under
/// `plan.flighting: weekly`, even otherwise), what each cell's spend buys, the revenue already
/// paid for by past spend, and the expected total revenue per period.
public struct SchedulePlan: Sendable {
    public let problem: PlanProblem
    /// Spend per (channel, period), `[channels, periods]`.
    public let schedule: [Double]
    public let evaluation: PlanEvaluation
    public let optimality: ScheduleOptimality
    /// How the schedule was found; nil for an even spread of the flat plan.
    public let report: OptimizerReport?
    /// Baseline + carry-in + planned media per period, across draws, `[periods]`.
    public let weekly: [Spread]
    /// Baseline alone per period (mean), `[periods]`.
    public let baseline: [Double]
    public let carryover: FlightingSettings.Carryover

    /// Each channel's total over the periods, `[channels]`.
    public var totals: [Double] {
        let H = problem.periods
        return problem.channels.indices.map { c in (0..<H).reduce(0) { $0 + schedule[c * H + $1] } }
    }
}

/// Builds and solves a scenario's schedule problem (CONTRACT.md `plan.flighting`,
/// `plan.period_budgets`, `plan.weekly_max`, `plan.carryover`).
public enum FlightingPlan {
    /// The responses a flat plan optimizes: today's curves without carry-in, or the schedule
    /// curves read as even spend when history carries in or an effect varies over time.
    /// - Parameter schedules: the scenario's schedule curves when already built (`problem`'s).
    static func flatResponses(_ scenario: Scenario, posterior: Posterior, schedules: [any ScheduleResponse]? = nil) -> [any ChannelResponse] {
        let horizon = scenario.plan.horizon
        let gap = gapPeriods(posterior.model.data, start: scenario.plan.start)
        // Time-varying effects: the per-period curves read as even spend, so the plan sees each
        // period's multiplier exactly (the flat curves average it).
        if scenario.plan.flighting.carryover == .none, !posterior.model.hasTimeVaryingMedia {
            return posterior.responseCurves(horizon: horizon, gap: gap)
        }
        return (schedules ?? scheduleResponses(posterior, periods: horizon, carryIn: scenario.plan.flighting.carryover == .history, gap: gap))
            .map { FlatSchedule($0) }
    }

    /// Every channel's schedule response over `periods`, on the draws plans use: a stacked
    /// posterior's each model's curves on the draws it contributes.
    static func scheduleResponses(_ posterior: Posterior, periods: Int, carryIn: Bool, gap: Int) -> [any ScheduleResponse] {
        guard let stack = posterior.stack else { return posterior.scheduleCurves(periods: periods, carryIn: carryIn, gap: gap) }
        let perModel = stack.components.map { $0.scheduleCurves(periods: periods, carryIn: carryIn, gap: gap) }
        return perModel[0].indices.map { c in
            MixedSchedule(parts: zip(perModel, stack.drawIndices).filter { !$1.isEmpty }.map { $0[c].restricted(to: $1) })
        }
    }

    /// Periods between the data's last and the plan's first (a `plan.start` past the next
    /// period): they spend nothing, and the carry-in fades across them.
    static func gapPeriods(_ data: Dataset, start: String?) -> Int {
        guard let start, let first = DatasetLoader.isoDay(start), let last = data.dates.last.flatMap(DatasetLoader.isoDay) else { return 0 }
        if data.cadence == .monthly {
            guard let a = DatasetLoader.civil(data.dates.last!), let b = DatasetLoader.civil(start) else { return 0 }
            return max((b.year - a.year) * 12 + b.month - a.month - 1, 0)
        }
        let days = data.dates.compactMap(DatasetLoader.isoDay)
        let step = days.count >= 2 ? max(days[1] - days[0], 1) : 7
        return max((first - last) / step - 1, 0)
    }

    /// The period budgets as groups of planned periods, and the caps `[channels, periods]`.
    /// - Throws: `InputError` (configuration) naming the key when a month has no planned period
    ///   or the period budgets cannot add up to the total.
    static func resolve(_ scenario: Scenario, channels: [String], dates: [String], budget: Double)
        throws -> (groups: [PeriodBudget], caps: [Double]) {
        let f = scenario.plan.flighting, H = dates.count, file = scenario.file
        var groups: [PeriodBudget] = []
        for entry in f.periodBudgets {
            switch entry.key {
            case .index(let i):
                groups.append(PeriodBudget(periods: [i - 1], amount: entry.amount, label: "period \(i)"))
            case .month(let y, let m):
                let prefix = String(format: "%04d-%02d", y, m)
                let periods = dates.indices.filter { dates[$0].hasPrefix(prefix) }
                guard !periods.isEmpty else {
                    throw InputError(.configuration, "\(file): \(entry.path): the plan has no period in \(prefix) (it runs \(dates.first ?? "?") to \(dates.last ?? "?")); expected a month inside the plan")
                }
                groups.append(PeriodBudget(periods: periods, amount: entry.amount, label: prefix))
            }
        }
        var seen: [Int: String] = [:]
        for (g, entry) in zip(groups, f.periodBudgets) {
            for t in g.periods {
                if let other = seen[t] {
                    throw InputError(.configuration, "\(file): \(entry.path): period \(t + 1) (\(dates[t])) already has a budget from \(other); give each period one budget")
                }
                seen[t] = g.label
            }
        }
        if !groups.isEmpty {
            let stated = groups.reduce(0) { $0 + $1.amount }
            let source = scenario.plan.budget != nil ? "plan.budget" : "the budget"
            if seen.count == H, abs(stated - budget) > 1e-9 * max(budget, 1) {
                throw InputError(.configuration, "\(file): plan.period_budgets: add up to \(money(stated)) over every planned period, but \(source) is \(money(budget)); expected them to add up to the total")
            }
            if stated > budget * (1 + 1e-12) {
                throw InputError(.configuration, "\(file): plan.period_budgets: add up to \(money(stated)), above \(source) \(money(budget))")
            }
        }
        var caps = [Double](repeating: budget, count: channels.count * H)
        for (c, name) in channels.enumerated() {
            for t in 0..<H {
                if let cap = f.weeklyMax[name] { caps[c * H + t] = min(cap, budget) }
                if let pattern = f.patterns[name], !pattern[t] { caps[c * H + t] = 0 }
            }
        }
        return (groups, caps)
    }

    /// Checks what can be checked before a fit (months, sums, caps against budgets).
    static func check(_ scenario: Scenario, data: Dataset, budget: Double) throws {
        guard scenario.plan.flighting.isScheduled else { return }
        let dates = Planner.planDates(data: data, start: scenario.plan.start, horizon: scenario.plan.horizon)
        _ = try resolve(scenario, channels: data.channels, dates: dates, budget: budget)
    }

    /// The scenario's problem over its planned periods (`dates`): the schedule curves, caps,
    /// period budgets and bounds.
    /// - Parameter objective: the objective with its `cvar_uplift` baseline; default the scenario's.
    static func problem(_ scenario: Scenario, posterior: Posterior, budget: Double, dates: [String],
                        objective: PlanObjective? = nil) throws -> PlanProblem {
        let settings = scenario.plan, f = settings.flighting
        let H = dates.count
        let channels = posterior.model.data.channels
        let curves = scheduleResponses(posterior, periods: H, carryIn: f.carryover == .history,
                                       gap: gapPeriods(posterior.model.data, start: settings.start))
        let (groups, caps) = f.isScheduled ? try resolve(scenario, channels: channels, dates: dates, budget: budget)
            : ([], [Double](repeating: budget, count: channels.count * H))
        do {
            return try PlanProblem(channels: channels, periods: H, responses: curves, budget: budget,
                                   lower: channels.map { settings.bounds[$0]?.min ?? 0 },
                                   upper: channels.map { settings.bounds[$0]?.max ?? budget },
                                   caps: caps, periodBudgets: groups, objective: objective ?? settings.objective)
        } catch let error as BudgetError {
            throw InputError(.configuration, "\(scenario.file): \(f.source): \(error.description)")
        }
    }
}

extension SchedulePlan {
    /// `schedule` (`[channels, periods]`) on `problem`, with the baseline forecast per period:
    /// the optimized schedule (with its `report`) or a flat plan spread evenly (report nil).
    init(_ scenario: Scenario, posterior: Posterior, problem: PlanProblem, schedule: [Double], report: OptimizerReport?) {
        let settings = scenario.plan, H = problem.periods
        let evaluation = PlanEvaluation(problem, plan: schedule, interval: settings.interval)
        let baseline = posterior.baselineForecast(periods: H, gap: FlightingPlan.gapPeriods(posterior.model.data, start: settings.start))
        let D = posterior.drawCount
        self.init(problem: problem, schedule: schedule, evaluation: evaluation,
                  optimality: ScheduleOptimality(problem, schedule: schedule, gradient: evaluation.cellGradient),
                  report: report,
                  weekly: (0..<H).map { t in Spread((0..<D).map { baseline[$0][t] + evaluation.arrivingByDraw[t][$0] }, interval: settings.interval) },
                  baseline: (0..<H).map { t in baseline.reduce(0) { $0 + $1[t] } / Double(max(D, 1)) },
                  carryover: settings.flighting.carryover)
    }
}
