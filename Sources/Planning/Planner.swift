import BudgetOptimization
import Foundation
import MediaModel
import Sampling

/// Turns a scenario into a plan: fits it (or reuses the stored fit), builds its planning problem,
/// solves it once, and evaluates the plan, the current mix and the what-ifs on that problem. The
/// result is a `PlanRun`, which holds data only; `PlanFiles` and the report render it.
public enum Planner {
    /// Fits the scenario's model, or reuses a stored fit of the same data and settings.
    public static func fit(_ scenario: Scenario, progress: (@Sendable (SamplingProgress) -> Void)? = nil) throws -> FittedScenario {
        if scenario.model.choosesFamily { return try FitRun.fittedChoosingFamily(scenario, progress: progress) }
        let key = try FitCache.key(scenario)
        let dataset = try DatasetLoader.load(scenario.data, minimumRows: 1)
        if let model = try? MediaMixModel(data: dataset, specification: scenario.model.adapted(to: dataset)),
           let posterior = FitCache.load(key: key, model: model, configuration: scenario.sampler) {
            // What the fit computed is read back, not computed again; a fit stored for another
            // scenario of the same data and settings gets its own report.
            if let (record, stored) = FitCache.record(key: key, for: scenario) {
                return FittedScenario(posterior: posterior, files: stored, reused: true, seconds: 0, convergence: record.convergence,
                                      report: ReportFile.report(in: stored))
            }
            // Stored by an older build or for another scenario: computed once more, and kept.
            let fit = FitRun.made(scenario, posterior: posterior, seconds: 0)
            let files = fit.files()
            FitCache.store(key: key, fit: fit, files: files)
            return FittedScenario(posterior: posterior, files: files, reused: true, seconds: 0, convergence: fit.convergence,
                                  report: ReportFile.report(in: files))
        }
        let fit = try FitRun.run(scenario, dataset: dataset, progress: progress)
        let files = fit.files()
        FitCache.store(key: key, fit: fit, files: files)
        return FittedScenario(posterior: fit.posterior, files: files, reused: false, seconds: fit.seconds,
                              convergence: fit.convergence, report: ReportFile.report(in: files))
    }

    /// Plans the scenario. `budget` and `optimizer` override the scenario's.
    public static func run(_ scenario: Scenario, budget: Double? = nil, optimizer: OptimizerChoice? = nil,
                           progress: (@Sendable (SamplingProgress) -> Void)? = nil) throws -> PlanRun {
        try plan(scenario, fitted: try fit(scenario, progress: progress), budget: budget, optimizer: optimizer)
    }

    /// Plans the scenario on a posterior already at hand (one fit, many plans: frontier, demo).
    public static func plan(_ scenario: Scenario, fitted: FittedScenario, budget overrideBudget: Double? = nil,
                            optimizer: OptimizerChoice? = nil) throws -> PlanRun {
        let posterior = fitted.posterior
        let data = posterior.model.data
        let settings = scenario.plan
        try Preflight.checkGeoPlan(scenario, data: data)
        let recent = data.spend.map { $0.suffix(settings.horizon).reduce(0, +) }
        let budget = overrideBudget ?? settings.budget ?? recent.reduce(0, +)
        // The current mix: the last `horizon` periods' spend, scaled to the plan's budget.
        let recentTotal = recent.reduce(0, +)
        let current = recentTotal > 0 ? recent.map { $0 / recentTotal * budget } : recent.map { _ in budget / Double(recent.count) }
        let choice = optimizer ?? settings.optimizer
        let dates = planDates(data: data, start: settings.start, horizon: settings.horizon)
        let (chosen, currentMix) = data.isGeo
            ? try planGeo(scenario, posterior: posterior, budget: budget, current: current, choice: choice)
            : try planNational(scenario, posterior: posterior, budget: budget, current: current, choice: choice, dates: dates)
        let whatIfs = try scenario.whatIfs.map { try evaluate($0, base: chosen.spend, problem: chosen.problem, interval: settings.interval) }
        return PlanRun(scenario: scenario, fit: fitted, chosen: chosen, currentMix: currentMix, whatIfs: whatIfs, dates: dates)
    }

    /// Geo data: the plan over channels, each split over its geos in their recent shares, or under
    /// `plan.by_geo` over every (geo, channel) pair, with the channels' figures read from the split
    /// the optimizer chose.
    private static func planGeo(_ scenario: Scenario, posterior: Posterior, budget: Double, current: [Double],
                                choice: OptimizerChoice) throws -> (ChosenPlan, CurrentMix) {
        let settings = scenario.plan, model = posterior.model
        let optimizer = PlanOptimizer(choice: choice, seed: scenario.sampler.seed)
        let pairCurves: [any ChannelResponse] = posterior.pairCurves(horizon: settings.horizon)
        let shares = GeoPlan.recentShares(model: model, horizon: settings.horizon)
        let currentPairs = GeoPlan.pairs(of: current, model: model, shares: shares)
        // The channels' curves in the geos' recent split: the current mix's problem, and the
        // plan's unless it is by geo.
        let problem = try anchored(channelProblem(scenario, model: model, budget: budget,
                                                  responses: SplitResponse.channels(of: pairCurves, model: model, horizon: settings.horizon)),
                                   at: current, scenario)
        let currentMix = CurrentMix(allocation: current, spend: current, evaluation: PlanEvaluation(problem, plan: current, interval: settings.interval))
        if settings.byGeo {
            let pairProblem = try anchored(GeoPlan.problem(scenario, model: model, curves: pairCurves, budget: budget, grouped: true),
                                           at: currentPairs, scenario)
            let (pairs, report) = try solve(optimizer, pairProblem, start: currentPairs, scenario)
            let geo = GeoPlan(problem: pairProblem, curves: pairCurves, model: model, allocation: pairs, interval: settings.interval)
            let view = try channelProblem(scenario, model: model, budget: budget, responses: geo.channelResponses(model: model),
                                          objective: pairProblem.objective)
            let allocation = model.data.channels.indices.map { c in
                model.rows.indices.filter { model.rows[$0].channel == c }.reduce(0.0) { $0 + pairs[$1] }
            }
            return (ChosenPlan(problem: view, spend: allocation, report: report, interval: settings.interval,
                               optimality: geo.optimality, schedule: nil, geo: geo), currentMix)
        }
        let (allocation, report) = try solve(optimizer, problem, start: current, scenario)
        let pairProblem = try anchored(GeoPlan.problem(scenario, model: model, curves: pairCurves, budget: budget), at: currentPairs, scenario)
        let geo = GeoPlan(problem: pairProblem, curves: pairCurves, model: model, allocation: GeoPlan.pairs(of: allocation, model: model, shares: shares), interval: settings.interval)
        return (ChosenPlan(problem: problem, spend: allocation, report: report, interval: settings.interval, schedule: nil, geo: geo), currentMix)
    }

    /// National data: one problem over the channels, by period under weekly flighting (started
    /// from the current mix spread evenly), else one total per channel, then laid out evenly over
    /// the periods for the weekly view.
    private static func planNational(_ scenario: Scenario, posterior: Posterior, budget: Double, current: [Double],
                                     choice: OptimizerChoice, dates: [String]) throws -> (ChosenPlan, CurrentMix) {
        let settings = scenario.plan, H = dates.count
        let optimizer = PlanOptimizer(choice: choice, seed: scenario.sampler.seed)
        let even = { (totals: [Double]) in totals.flatMap { [Double](repeating: $0 / Double(H), count: H) } }
        if settings.flighting.isScheduled {
            let problem = try anchored(FlightingPlan.problem(scenario, posterior: posterior, budget: budget, dates: dates),
                                       at: even(current), scenario)
            let (spend, report) = try solve(optimizer, problem, start: even(current), scenario)
            let schedule = SchedulePlan(scenario, posterior: posterior, problem: problem, schedule: spend, report: report)
            let chosen = ChosenPlan(problem: problem, spend: spend, report: report, evaluation: schedule.evaluation,
                                    interval: settings.interval, schedule: schedule)
            return (chosen, CurrentMix(allocation: current, spend: even(current),
                                       evaluation: PlanEvaluation(problem, plan: even(current), interval: settings.interval)))
        }
        // The weekly view's curves, built once: with carry-in they are also the flat plan's, read as
        // even spend.
        let layout = try FlightingPlan.problem(scenario, posterior: posterior, budget: budget, dates: dates, objective: .mean)
        let problem = try anchored(channelProblem(scenario, model: posterior.model, budget: budget,
                                                  responses: FlightingPlan.flatResponses(scenario, posterior: posterior, schedules: layout.responses)),
                                   at: current, scenario)
        let (allocation, report) = try solve(optimizer, problem, start: current, scenario)
        let schedule = SchedulePlan(scenario, posterior: posterior, problem: layout, schedule: even(allocation), report: nil)
        return (ChosenPlan(problem: problem, spend: allocation, report: report, interval: settings.interval, schedule: schedule),
                CurrentMix(allocation: current, spend: current, evaluation: PlanEvaluation(problem, plan: current, interval: settings.interval)))
    }

    /// The optimizer's plan, its refusals worded for the scenario.
    private static func solve(_ optimizer: PlanOptimizer, _ problem: PlanProblem, start: [Double], _ scenario: Scenario) throws
        -> (plan: [Double], report: OptimizerReport) {
        do {
            return try optimizer.optimize(problem, start: start)
        } catch let error as BudgetError {
            throw InputError(.configuration, "\(scenario.file): \(scenario.plan.flighting.isScheduled ? scenario.plan.flighting.source : "plan"): \(error.description)")
        }
    }

    /// One total per channel over `responses` (`[channels]`), within the scenario's bounds.
    static func channelProblem(_ scenario: Scenario, model: MediaMixModel, budget: Double, responses: [any ChannelResponse],
                               objective: PlanObjective? = nil) throws -> PlanProblem {
        let channels = model.data.channels
        do {
            return try PlanProblem(channels: channels, responses: responses, budget: budget,
                                   lower: channels.map { scenario.plan.bounds[$0]?.min ?? 0 },
                                   upper: channels.map { scenario.plan.bounds[$0]?.max ?? budget },
                                   objective: objective ?? scenario.plan.objective)
        } catch let error as BudgetError {
            throw InputError(.configuration, "\(scenario.file): plan: \(error.description)")
        }
    }

    /// The problem with its `cvar_uplift` baseline set to the revenue per draw of `current`
    /// (`[rows, periods]`); other objectives pass through unchanged.
    static func anchored(_ problem: PlanProblem, at current: [Double], _ scenario: Scenario) throws -> PlanProblem {
        do {
            return try problem.anchoringUplift(at: current)
        } catch let error as BudgetError {
            throw InputError(.configuration, "\(scenario.file): plan.objective: \(error.description)")
        }
    }

    /// Moves `whatIf.amount` from one channel to another, starting from `base` (`[channels,
    /// periods]` of `problem`): the amount leaves the first channel in proportion to its spend
    /// per period and joins the second in proportion to its own (evenly over its open periods
    /// when it spends nothing).
    public static func evaluate(_ whatIf: WhatIf, base: [Double], problem: PlanProblem, interval: Double) throws -> WhatIfResult {
        guard let from = problem.channels.firstIndex(of: whatIf.from), let to = problem.channels.firstIndex(of: whatIf.to) else {
            throw InputError(.configuration, "what-if '\(whatIf.name)': unknown channel; channels are \(problem.channels.joined(separator: ", "))")
        }
        guard from != to else {
            throw InputError(.configuration, "what-if '\(whatIf.name)': a move from '\(whatIf.from)' to itself changes nothing")
        }
        let amount = whatIf.amount
        let totals = problem.rowTotals(base)
        // The largest move the spend and both bounds allow, offered with every refusal.
        let roomFrom = totals[from] - problem.lower[from], roomTo = problem.upper[to] - totals[to]
        let negligible = 1e-9 * max(problem.budget, 1)
        let hint: String
        if roomFrom <= negligible {
            hint = "; \(whatIf.from) is at its minimum \(money(problem.lower[from])), so nothing can move from it here"
        } else if roomTo <= negligible {
            hint = "; \(whatIf.to) is at its maximum \(money(problem.upper[to])), so nothing can move to it here"
        } else {
            hint = "; the largest move from \(whatIf.from) to \(whatIf.to) here is \(money(min(roomFrom, roomTo)))"
        }
        guard amount <= totals[from] * (1 + 1e-12) else {
            throw InputError(.configuration, "what-if '\(whatIf.name)': moves \(money(amount)) but \(whatIf.from) spends only \(money(totals[from]))" + hint)
        }
        if totals[from] - amount < problem.lower[from] * (1 - 1e-12) {
            throw InputError(.configuration, "what-if '\(whatIf.name)': \(whatIf.from) would drop to \(money(max(totals[from] - amount, 0))), below its minimum \(money(problem.lower[from]))" + hint)
        }
        if totals[to] + amount > problem.upper[to] * (1 + 1e-12) {
            throw InputError(.configuration, "what-if '\(whatIf.name)': \(whatIf.to) would rise to \(money(totals[to] + amount)), above its maximum \(money(problem.upper[to]))" + hint)
        }
        let H = problem.periods
        var moved = base
        let kept = totals[from] > 0 ? max(totals[from] - amount, 0) / totals[from] : 0
        for t in 0..<H { moved[from * H + t] *= kept }
        let open = (0..<H).filter { H == 1 || problem.caps[to * H + $0] > 0 }
        for t in 0..<H {
            let share = totals[to] > 0 ? base[to * H + t] / totals[to] : open.contains(t) ? 1 / Double(max(open.count, 1)) : 0
            moved[to * H + t] += amount * share
        }
        let before = PlanEvaluation(problem, plan: base, interval: interval)
        let after = PlanEvaluation(problem, plan: moved, interval: interval)
        let (change, probability) = after.uplift(over: before, interval: interval)
        return WhatIfResult(whatIf: whatIf, change: change, probabilityBetter: probability,
                            marginalFrom: (before.channels[from].marginalROAS.mean, after.channels[from].marginalROAS.mean),
                            marginalTo: (before.channels[to].marginalROAS.mean, after.channels[to].marginalROAS.mean))
    }

    /// The planned periods' dates: `start`, or the period after the data's last, one data step
    /// apart (one calendar month apart for monthly data, on the data's day of the month).
    static func planDates(data: Dataset, start: String?, horizon: Int) -> [String] {
        if data.cadence == .monthly, let last = data.dates.last {
            let tail = data.dates.suffix(2).compactMap(DatasetLoader.civil)
            let anchor = start.flatMap(DatasetLoader.civil)?.day ?? tail.map(\.day).max() ?? 1
            let first = start ?? DatasetLoader.date(last, addingMonths: 1, anchor: anchor) ?? last
            return (0..<horizon).map { DatasetLoader.date(first, addingMonths: $0, anchor: anchor) ?? first }
        }
        let days = data.dates.compactMap(DatasetLoader.isoDay)
        let step = days.count >= 2 ? days[1] - days[0] : 7
        let first = start.flatMap(DatasetLoader.isoDay) ?? ((days.last ?? 0) + step)
        return (0..<horizon).map { isoDate(days: first + $0 * step) }
    }
}
