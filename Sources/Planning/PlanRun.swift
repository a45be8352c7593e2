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

/// The optimized plan: the problem it was solved on (channels), its spend, how it was found, what
/// it earns, and its shapes over periods (national data) or geos (geo data).
public struct ChosenPlan: Sendable {
    /// The channel problem the plan's figures and the what-ifs are evaluated on (for `by_geo`
    /// plans, the channels' curves in the split the optimizer chose).
    public let problem: BudgetProblem
    /// Spend per channel over the horizon, `[channels]`.
    public let allocation: [Double]
    public let report: OptimizerReport
    public let evaluation: PlanEvaluation
    public let optimality: OptimalityReport
    /// The plan over its periods, with carry-in and weekly totals; nil for geo data.
    public let schedule: SchedulePlan?
    /// Geo data: the plan per (geo, channel) pair.
    public let geo: GeoPlan?
}

/// The current mix: the last `horizon` periods' spend per channel scaled to the plan's budget,
/// `[channels]`, and what it earns.
public struct CurrentMix: Sendable {
    public let allocation: [Double]
    public let evaluation: PlanEvaluation
}

/// A planned scenario: the fit it used, the optimized plan, the current mix and the what-ifs.
/// Data only; `Planner` makes it, `PlanFiles` and `Report` render it.
public struct PlanRun: Sendable {
    public let scenario: Scenario
    public let fit: FittedScenario
    public let chosen: ChosenPlan
    public let currentMix: CurrentMix
    public let whatIfs: [WhatIfResult]
    /// Dates of the planned periods, `[horizon]`.
    public let dates: [String]
    /// The value of information, computed when first asked for (PlanRun+Insights.swift).
    let insights = PlanInsightsCache()

    public var posterior: Posterior { fit.posterior }
    /// Fit files for `DIR/fit/` and whether the fit was reused from the cache.
    public var fitFiles: [(name: String, contents: String)] { fit.files }
    public var fitReused: Bool { fit.reused }
    public var fitSeconds: Double { fit.seconds }
    public var problem: BudgetProblem { chosen.problem }
    public var allocation: [Double] { chosen.allocation }
    public var report: OptimizerReport { chosen.report }
    public var plan: PlanEvaluation { chosen.evaluation }
    public var optimality: OptimalityReport { chosen.optimality }
    public var schedule: SchedulePlan? { chosen.schedule }
    public var geo: GeoPlan? { chosen.geo }
    public var currentAllocation: [Double] { currentMix.allocation }
    public var current: PlanEvaluation { currentMix.evaluation }
    /// The plan's revenue less the current mix's, draw by draw: its band and P(plan better).
    public var uplift: (change: Spread, probabilityBetter: Double) {
        plan.uplift(over: current, interval: scenario.plan.interval)
    }
}
