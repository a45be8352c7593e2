import BudgetOptimization
import MediaModel

// The media model's schedule curves are what weekly plans optimize; neither module knows the other.
extension ScheduleCurve: ScheduleResponse {
    public func breakdown(spend: [Double]) -> ScheduleBreakdown {
        let parts: (bySpendPeriod: [Double], arriving: [Double], carryIn: [Double]) = breakdown(spend: spend)
        return ScheduleBreakdown(bySpendPeriod: parts.bySpendPeriod, arriving: parts.arriving, carryIn: parts.carryIn)
    }

    public func restricted(to indices: [Int]) -> any ScheduleResponse { subset(indices) }
}
