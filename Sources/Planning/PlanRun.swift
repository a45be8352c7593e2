import BudgetOptimization
import Foundation
import MediaModel
import Sampling

/// The result of one what-if move, across draws.
public struct WhatIfResult: Sendable {
    public var whatIf: WhatIf
    /// Change in total revenue (after − before), across draws.
    public var change: Spread
    /// P(the move increases revenue).
    public var probabilityBetter: Double
    /// Marginal ROAS (mean) of the two channels before and after the move.
    public var marginalFrom: (before: Double, after: Double)
    public var marginalTo: (before: Double, after: Double)
}

/// A scenario's posterior and the fit files that go with it, fitted or reused.
public struct FittedScenario: Sendable {
    public let posterior: Posterior
    public let files: [(name: String, contents: String)]
    public let reused: Bool
    public let seconds: Double
    /// The fit's convergence verdict (also for a fit read back from the cache).
    public let convergence: ConvergenceReport
    /// The family comparison when the scenario's families are `auto` (nil otherwise).
    public var comparison: FamilyComparison? = nil
}

/// A planned scenario: the fit it used, the optimized plan, the current mix and the what-ifs.
public struct PlanRun: Sendable {
    public let scenario: Scenario
    public let posterior: Posterior
    /// Fit files for `DIR/fit/` and whether the fit was reused from the cache.
    public let fitFiles: [(name: String, contents: String)]
    public let fitReused: Bool
    public let fitSeconds: Double
    public let problem: BudgetProblem
    public let allocation: [Double]
    public let report: OptimizerReport
    public let plan: PlanEvaluation
    public let currentAllocation: [Double]
    public let current: PlanEvaluation
    public let uplift: (change: Spread, probabilityBetter: Double)
    public let optimality: OptimalityReport
    public let whatIfs: [WhatIfResult]
    /// Dates of the planned periods, `[horizon]`.
    public let dates: [String]
    /// Geo data: the plan per (geo, channel) pair.
    public let geo: GeoPlan?
    /// The value of information, computed when first asked for (PlanRun+Insights.swift).
    let insights = PlanInsightsCache()
    /// The plan over its periods, with carry-in and weekly totals (FlightingPlan.swift).
    /// Nil for geo data, whose plans are flat (plans over time come for national data first).
    public let schedule: SchedulePlan?

    /// Fits the scenario's model, or reuses a stored fit of the same data and settings.
    public static func posterior(for scenario: Scenario, progress: (@Sendable (SamplingProgress) -> Void)? = nil) throws -> FittedScenario {
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
        try plan(scenario, fitted: try posterior(for: scenario, progress: progress), budget: budget, optimizer: optimizer)
    }

    /// Plans the scenario on a posterior already at hand (one fit, many plans: frontier, demo).
    public static func plan(_ scenario: Scenario, fitted: FittedScenario, budget overrideBudget: Double? = nil,
                            optimizer: OptimizerChoice? = nil) throws -> PlanRun {
        let posterior = fitted.posterior
        let data = posterior.model.data
        let settings = scenario.plan
        let horizon = settings.horizon
        let recent = data.spend.map { $0.suffix(horizon).reduce(0, +) }
        let budget = overrideBudget ?? settings.budget ?? recent.reduce(0, +)
        // The current mix: the last `horizon` periods' spend, scaled to the plan's budget.
        let recentTotal = recent.reduce(0, +)
        let current = recentTotal > 0 ? recent.map { $0 / recentTotal * budget } : recent.map { _ in budget / Double(recent.count) }
        // Geo data: every (geo, channel) pair's curve, built once for the channel problem and the pairs'.
        let pairCurves: [any ChannelResponse] = data.isGeo ? posterior.pairCurves(horizon: horizon) : []
        // cvar_uplift measures each draw's revenue against the current mix's.
        let problem = try anchored(makeProblem(scenario, posterior: posterior, budget: budget, pairCurves: pairCurves),
                                   at: current, scenario)
        let optimizerSetup = BudgetOptimizer(choice: optimizer ?? settings.optimizer, seed: scenario.sampler.seed)
        var planProblem = problem, allocation: [Double], report: OptimizerReport, geoPlan: GeoPlan?
        try Preflight.checkGeoPlan(scenario, data: data)
        if data.isGeo {
            let model = posterior.model
            let shares = GeoPlan.recentShares(model: model, horizon: horizon)
            let currentPairs = GeoPlan.pairs(of: current, model: model, shares: shares)
            let pairProblem = try anchored(GeoPlan.problem(scenario, model: model, curves: pairCurves, budget: budget, grouped: settings.byGeo),
                                           at: currentPairs, scenario)
            if settings.byGeo {
                // The optimizer moves money between geos too; channel figures read the chosen split.
                let (pairs, pairReport) = try optimizerSetup.optimize(pairProblem, start: currentPairs)
                let plan = GeoPlan(problem: pairProblem, model: model, allocation: pairs, interval: settings.interval)
                planProblem = try plan.channelProblem(scenario, model: model, budget: budget, objective: pairProblem.objective)
                allocation = data.channels.indices.map { c in model.rows.indices.filter { model.rows[$0].channel == c }.reduce(0.0) { $0 + pairs[$1] } }
                report = pairReport
                geoPlan = plan
            } else {
                (allocation, report) = try optimizerSetup.optimize(problem, start: current)
                geoPlan = GeoPlan(problem: pairProblem, model: model, allocation: GeoPlan.pairs(of: allocation, model: model, shares: shares),
                                  interval: settings.interval)
            }
        } else {
            (allocation, report) = try optimizerSetup.optimize(problem, start: current)
            geoPlan = nil
        }
        var planEvaluation = PlanEvaluation(planProblem, plan: allocation, interval: settings.interval)
        // Under weekly flighting the schedule's figures replace the flat plan's.
        let dates = planDates(data: data, start: settings.start, horizon: horizon)
        var schedule: SchedulePlan? = nil
        if !data.isGeo {
            let plan = try FlightingPlan.plan(scenario, posterior: posterior, budget: budget, flatPlan: allocation,
                                              optimizer: optimizer ?? settings.optimizer, dates: dates, objective: problem.objective)
            if let scheduleReport = plan.report {
                (allocation, report, planEvaluation) = (plan.totals, scheduleReport, plan.evaluation.summary)
            }
            schedule = plan
        }
        let currentEvaluation = PlanEvaluation(problem, plan: current, interval: settings.interval)
        let whatIfs = try scenario.whatIfs.map { try evaluate($0, base: allocation, problem: planProblem, interval: settings.interval) }
        return PlanRun(
            scenario: scenario, posterior: posterior, fitFiles: fitted.files, fitReused: fitted.reused, fitSeconds: fitted.seconds,
            problem: planProblem, allocation: allocation, report: report, plan: planEvaluation, currentAllocation: current,
            current: currentEvaluation, uplift: planEvaluation.uplift(over: currentEvaluation, interval: settings.interval),
            optimality: settings.byGeo && geoPlan != nil ? geoPlan!.optimality
                : OptimalityReport(planProblem, plan: allocation, gradient: planEvaluation.objectiveGradient),
            whatIfs: whatIfs, dates: dates, geo: geoPlan, schedule: schedule)
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
