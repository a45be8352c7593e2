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
    /// The fit's report as it was made with the fit (stored with it), when at hand: a plan's
    /// report takes the fit's sections from it.
    public var report: Report? = nil
}

/// The optimized plan: the problem it was solved on, its spend, how it was found, what it earns,
/// and its shapes over periods (national data) or geos (geo data).
public struct ChosenPlan: Sendable {
    /// The problem the plan was solved on, and its figures and the what-ifs evaluated on: over
    /// channels, or over (channel, period) under weekly flighting; for `by_geo` plans the
    /// channels' curves in the split the optimizer chose.
    public let problem: PlanProblem
    /// Spend on `problem`, `[channels, periods]`.
    public let spend: [Double]
    /// How the optimizer found it.
    public let report: OptimizerReport
    /// What it earns per channel and in total, across draws.
    public let evaluation: PlanEvaluation
    /// Its first-order conditions over the channels' totals (for `by_geo` plans, across the
    /// (geo, channel) pairs).
    public let optimality: OptimalityReport
    /// The plan over its periods, with carry-in and weekly totals; nil for geo data.
    public let schedule: SchedulePlan?
    /// Geo data: the plan per (geo, channel) pair.
    public let geo: GeoPlan?

    /// Spend per channel over the horizon, `[channels]`.
    public var allocation: [Double] { problem.rowTotals(spend) }

    /// - Parameters:
    ///   - evaluation: the plan's figures when already at hand (else evaluated here).
    ///   - optimality: the first-order conditions when not the channels' (by-geo plans).
    init(problem: PlanProblem, spend: [Double], report: OptimizerReport, evaluation: PlanEvaluation? = nil, interval: Double,
         optimality: OptimalityReport? = nil, schedule: SchedulePlan?, geo: GeoPlan? = nil) {
        self.problem = problem; self.spend = spend; self.report = report; self.schedule = schedule; self.geo = geo
        let evaluation = evaluation ?? PlanEvaluation(problem, plan: spend, interval: interval)
        self.evaluation = evaluation
        self.optimality = optimality ?? OptimalityReport(problem, plan: problem.rowTotals(spend), gradient: evaluation.objectiveGradient)
    }
}

/// The current mix: the last `horizon` periods' spend per channel scaled to the plan's budget,
/// and what it earns.
public struct CurrentMix: Sendable {
    /// `[channels]`, currency over the horizon.
    public let allocation: [Double]
    /// The same on the plan's problem, `[channels, periods]` (spread evenly over the periods).
    public let spend: [Double]
    /// What it earns per channel and in total, across draws.
    public let evaluation: PlanEvaluation
}

/// A planned scenario: the fit it used, the optimized plan, the current mix and the what-ifs.
/// Data only; `Planner` makes it, `PlanFiles` and `Report` render it.
public struct PlanRun: Sendable {
    public let scenario: Scenario
    /// The posterior planned on, its fit files and convergence verdict.
    public let fit: FittedScenario
    /// The optimized plan.
    public let chosen: ChosenPlan
    /// The mix the plan is compared with.
    public let currentMix: CurrentMix
    /// The scenario's what-ifs, each from the optimized plan.
    public let whatIfs: [WhatIfResult]
    /// Dates of the planned periods, `[horizon]`.
    public let dates: [String]
    /// The value of information, computed when first asked for (PlanRun+Insights.swift).
    let insights = PlanInsightsCache()

    /// The posterior planned on.
    public var posterior: Posterior { fit.posterior }
    /// Fit files for `DIR/fit/`.
    public var fitFiles: [(name: String, contents: String)] { fit.files }
    /// Whether the fit was reused from the cache.
    public var fitReused: Bool { fit.reused }
    /// Seconds the fit took (0 when reused).
    public var fitSeconds: Double { fit.seconds }
    /// `ChosenPlan.problem`.
    public var problem: PlanProblem { chosen.problem }
    /// The plan's spend per channel over the horizon, `[channels]`.
    public var allocation: [Double] { chosen.allocation }
    /// The plan's spend on `problem`, `[channels, periods]`.
    public var spend: [Double] { chosen.spend }
    /// How the optimizer found the plan.
    public var report: OptimizerReport { chosen.report }
    /// What the plan earns per channel and in total, across draws.
    public var plan: PlanEvaluation { chosen.evaluation }
    /// The plan's first-order conditions.
    public var optimality: OptimalityReport { chosen.optimality }
    /// The plan over its periods (national data).
    public var schedule: SchedulePlan? { chosen.schedule }
    /// The plan per (geo, channel) pair (geo data).
    public var geo: GeoPlan? { chosen.geo }
    /// The current mix's spend per channel, `[channels]`.
    public var currentAllocation: [Double] { currentMix.allocation }
    /// The current mix on `problem`, `[channels, periods]`.
    public var currentSpend: [Double] { currentMix.spend }
    /// What the current mix earns, across draws.
    public var current: PlanEvaluation { currentMix.evaluation }
    /// The plan's revenue less the current mix's, draw by draw: its band and P(plan better).
    public var uplift: (change: Spread, probabilityBetter: Double) {
        plan.uplift(over: current, interval: scenario.plan.interval)
    }
}
