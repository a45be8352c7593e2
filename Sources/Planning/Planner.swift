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
           let (posterior, files) = FitCache.load(key: key, model: model, configuration: scenario.sampler) {
            // The stored fit keeps its data files; its report is drawn again from the posterior.
            return FittedScenario(posterior: posterior, files: files + ReportFile.files(Report.fit(scenario: scenario, posterior: posterior)),
                                  reused: true, seconds: 0, convergence: ConvergenceReport(posterior: posterior))
        }
        let fit = try FitRun.run(scenario, dataset: dataset, progress: progress)
        FitCache.store(key: key, fit: fit)
        return FittedScenario(posterior: fit.posterior, files: fit.files(), reused: false, seconds: fit.seconds,
                              convergence: fit.convergence)
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
        // Geo data: every (geo, channel) pair's curve, built once for the channel problem and the pairs'.
        let pairCurves: [any ChannelResponse] = data.isGeo ? posterior.pairCurves(horizon: settings.horizon) : []
        // cvar_uplift measures each draw's revenue against the current mix's.
        let problem = try PlanRun.anchored(makeProblem(scenario, posterior: posterior, budget: budget, pairCurves: pairCurves),
                                           at: current, scenario)
        let choice = optimizer ?? settings.optimizer
        let dates = planDates(data: data, start: settings.start, horizon: settings.horizon)
        let chosen = data.isGeo
            ? try planGeo(scenario, posterior: posterior, problem: problem, pairCurves: pairCurves, current: current, choice: choice)
            : try planNational(scenario, posterior: posterior, problem: problem, current: current, choice: choice, dates: dates)
        let whatIfs = try scenario.whatIfs.map { try evaluate($0, base: chosen.allocation, problem: chosen.problem, interval: settings.interval) }
        return PlanRun(scenario: scenario, fit: fitted, chosen: chosen,
                       currentMix: CurrentMix(allocation: current, evaluation: PlanEvaluation(problem, plan: current, interval: settings.interval)),
                       whatIfs: whatIfs, dates: dates)
    }

    /// Geo data: the plan over channels, each split over its geos in their recent shares, or under
    /// `plan.by_geo` over every (geo, channel) pair, with the channels' figures read from the split
    /// the optimizer chose.
    private static func planGeo(_ scenario: Scenario, posterior: Posterior, problem: BudgetProblem, pairCurves: [any ChannelResponse],
                                current: [Double], choice: OptimizerChoice) throws -> ChosenPlan {
        let settings = scenario.plan, model = posterior.model
        let optimizer = BudgetOptimizer(choice: choice, seed: scenario.sampler.seed)
        let shares = GeoPlan.recentShares(model: model, horizon: settings.horizon)
        let currentPairs = GeoPlan.pairs(of: current, model: model, shares: shares)
        let pairProblem = try PlanRun.anchored(GeoPlan.problem(scenario, model: model, curves: pairCurves, budget: problem.budget, grouped: settings.byGeo),
                                               at: currentPairs, scenario)
        if settings.byGeo {
            let (pairs, report) = try optimizer.optimize(pairProblem, start: currentPairs)
            let geo = GeoPlan(problem: pairProblem, model: model, allocation: pairs, interval: settings.interval)
            let channelProblem = try geo.channelProblem(scenario, model: model, budget: problem.budget, objective: pairProblem.objective)
            let allocation = model.data.channels.indices.map { c in
                model.rows.indices.filter { model.rows[$0].channel == c }.reduce(0.0) { $0 + pairs[$1] }
            }
            return ChosenPlan(problem: channelProblem, allocation: allocation, report: report,
                              evaluation: PlanEvaluation(channelProblem, plan: allocation, interval: settings.interval),
                              optimality: geo.optimality, schedule: nil, geo: geo)
        }
        let (allocation, report) = try optimizer.optimize(problem, start: current)
        let geo = GeoPlan(problem: pairProblem, model: model, allocation: GeoPlan.pairs(of: allocation, model: model, shares: shares),
                          interval: settings.interval)
        let evaluation = PlanEvaluation(problem, plan: allocation, interval: settings.interval)
        return ChosenPlan(problem: problem, allocation: allocation, report: report, evaluation: evaluation,
                          optimality: OptimalityReport(problem, plan: allocation, gradient: evaluation.objectiveGradient),
                          schedule: nil, geo: geo)
    }

    /// National data: the flat plan over channels, laid out over its periods; under weekly
    /// flighting the schedule is optimized from the flat plan spread evenly, and its totals,
    /// report and figures are the plan's.
    private static func planNational(_ scenario: Scenario, posterior: Posterior, problem: BudgetProblem, current: [Double],
                                     choice: OptimizerChoice, dates: [String]) throws -> ChosenPlan {
        let settings = scenario.plan
        let (flat, flatReport) = try BudgetOptimizer(choice: choice, seed: scenario.sampler.seed).optimize(problem, start: current)
        let schedule = try FlightingPlan.plan(scenario, posterior: posterior, budget: problem.budget, flatPlan: flat,
                                              optimizer: choice, dates: dates, objective: problem.objective)
        let allocation = schedule.report == nil ? flat : schedule.totals
        let evaluation = schedule.report == nil ? PlanEvaluation(problem, plan: flat, interval: settings.interval) : schedule.evaluation.summary
        return ChosenPlan(problem: problem, allocation: allocation, report: schedule.report ?? flatReport, evaluation: evaluation,
                          optimality: OptimalityReport(problem, plan: allocation, gradient: evaluation.objectiveGradient),
                          schedule: schedule, geo: nil)
    }

    /// - Parameter pairCurves: geo data: every (geo, channel) pair's curve, `[rows]`.
    static func makeProblem(_ scenario: Scenario, posterior: Posterior, budget: Double, pairCurves: [any ChannelResponse]) throws -> BudgetProblem {
        let channels = posterior.model.data.channels
        let lower = channels.map { scenario.plan.bounds[$0]?.min ?? 0 }
        let upper = channels.map { scenario.plan.bounds[$0]?.max ?? budget }
        do {
            // Geo data: each channel's geo curves in their recent split (no carry-in yet); national
            // data: the curves with the carry-in from history (FlightingPlan.flatResponses).
            let responses = posterior.model.geoCount > 1 ? SplitResponse.channels(of: pairCurves, model: posterior.model, horizon: scenario.plan.horizon)
                : FlightingPlan.flatResponses(scenario, posterior: posterior)
            return try BudgetProblem(channels: channels, responses: responses,
                                     budget: budget, lower: lower, upper: upper, objective: scenario.plan.objective)
        } catch let error as BudgetError {
            throw InputError(.configuration, "\(scenario.file): plan: \(error.description)")
        }
    }

    /// Moves `whatIf.amount` from one channel to another, starting from `base`.
    public static func evaluate(_ whatIf: WhatIf, base: [Double], problem: BudgetProblem, interval: Double) throws -> WhatIfResult {
        guard let from = problem.channels.firstIndex(of: whatIf.from), let to = problem.channels.firstIndex(of: whatIf.to) else {
            throw InputError(.configuration, "what-if '\(whatIf.name)': unknown channel; channels are \(problem.channels.joined(separator: ", "))")
        }
        guard from != to else {
            throw InputError(.configuration, "what-if '\(whatIf.name)': a move from '\(whatIf.from)' to itself changes nothing")
        }
        let amount = whatIf.amount
        // The largest move the spend and both bounds allow, offered with every refusal.
        let roomFrom = base[from] - problem.lower[from], roomTo = problem.upper[to] - base[to]
        let negligible = 1e-9 * max(problem.budget, 1)
        let hint: String
        if roomFrom <= negligible {
            hint = "; \(whatIf.from) is at its minimum \(money(problem.lower[from])), so nothing can move from it here"
        } else if roomTo <= negligible {
            hint = "; \(whatIf.to) is at its maximum \(money(problem.upper[to])), so nothing can move to it here"
        } else {
            hint = "; the largest move from \(whatIf.from) to \(whatIf.to) here is \(money(min(roomFrom, roomTo)))"
        }
        guard amount <= base[from] * (1 + 1e-12) else {
            throw InputError(.configuration, "what-if '\(whatIf.name)': moves \(money(amount)) but \(whatIf.from) spends only \(money(base[from]))" + hint)
        }
        var moved = base
        moved[from] = max(base[from] - amount, 0)
        moved[to] = base[to] + amount
        if moved[from] < problem.lower[from] * (1 - 1e-12) {
            throw InputError(.configuration, "what-if '\(whatIf.name)': \(whatIf.from) would drop to \(money(moved[from])), below its minimum \(money(problem.lower[from]))" + hint)
        }
        if moved[to] > problem.upper[to] * (1 + 1e-12) {
            throw InputError(.configuration, "what-if '\(whatIf.name)': \(whatIf.to) would rise to \(money(moved[to])), above its maximum \(money(problem.upper[to]))" + hint)
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
