import BudgetOptimization

extension PlanRun {
    /// Plans that move less than this share of the budget keep the current mix: the optimum is
    /// flat there, and the sign of so small a change says nothing a finance team could act on.
    public static let keepCurrentMixShare = 0.01
    /// A channel's spend under this share of the budget is the optimizer's way of writing 0 (a
    /// sliver `SmallSpendPolish` leaves where some draws' curves are infinitely steep at 0): it
    /// prints as 0, with no ROAS, and reads as a stop in the extrapolation table.
    public static let sliverShare = 1e-6
    /// Whether `spend` is such a sliver of `budget`.
    public static func isSliver(_ spend: Double, budget: Double) -> Bool { spend < sliverShare * budget }

    /// `keepCurrentMixShare` as printed ("1%").
    public static var keepCurrentMixLabel: String { String(format: "%.0f%%", 100 * keepCurrentMixShare) }

    /// The share of the budget the plan moves between channels (the sum of its increases over the
    /// current mix, divided by the budget; 0 for the current mix itself).
    public var movedShare: Double { Self.movedShare(plan: allocation, current: currentAllocation, budget: problem.budget) }

    /// `movedShare` as printed, cut (not rounded) to two decimals, so a plan under the 1% rule
    /// never reads "1.00%" ("0.99%").
    public var movedShareLabel: String { Self.shareLabel(movedShare) }

    /// A share as a percentage cut to two decimals (0.009972 → "0.99%").
    public static func shareLabel(_ share: Double) -> String { String(format: "%.2f%%", (10_000 * share + 1e-9).rounded(.down) / 100) }

    /// The sum of the increases of `plan` over `current` (both `[channels]`, currency) divided by
    /// `budget`: the share of the budget a plan moves between channels.
    public static func movedShare(plan: [Double], current: [Double], budget: Double) -> Double {
        zip(plan, current).map { max($0 - $1, 0) }.reduce(0, +) / max(budget, .leastNonzeroMagnitude)
    }

    /// The plan moves less than `keepCurrentMixShare` of the budget: the recommendation is to keep
    /// the current mix, and P(plan better) is printed but is not a claim. Only for flat national
    /// plans: a plan by geo or week by week can move money between geos or weeks while the
    /// channels' totals stay put.
    public var keepsCurrentMix: Bool {
        geo == nil && schedule?.report == nil && movedShare < Self.keepCurrentMixShare
    }

    /// What every rendering (printout, report) says of a plan that keeps the current mix, in one
    /// wording; nil for a plan that moves enough to recommend.
    public var keepCurrentMixVerdict: String? {
        guard keepsCurrentMix else { return nil }
        return "The plan moves \(movedShareLabel) of the budget, less than \(Self.keepCurrentMixLabel): keep the current mix. "
            + "Over so small a move P(plan better) is no claim either way."
    }
}
