import BudgetOptimization
import MediaModel

// The media model's curves are what the optimizer plans with; neither module knows the other.
extension ResponseCurve: ChannelResponse {
    public func restricted(to indices: [Int]) -> any ChannelResponse { subset(indices) }
}
