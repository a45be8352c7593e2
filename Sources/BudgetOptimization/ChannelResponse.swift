/// A channel's incremental revenue as a function of its budget, once per posterior draw.
///
/// The optimizer knows nothing else about where the curves came from.
public protocol ChannelResponse: Sendable {
    /// Posterior draws D.
    var drawCount: Int { get }

    /// For a budget b ≥ 0 (total over the horizon, currency), writes each draw's revenue r_d(b)
    /// into `values` and its derivative r_d'(b) into `slopes`, both `[drawCount]`.
    func evaluate(budget: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>)

    /// The same response on a subset of its draws (`indices` into `[drawCount]`). The default
    /// evaluates every draw and keeps the subset; curves that can should return a cheaper copy.
    func restricted(to indices: [Int]) -> any ChannelResponse
}

extension ChannelResponse {
    public func restricted(to indices: [Int]) -> any ChannelResponse { SubsetResponse(base: self, indices: indices) }
}

/// A response seen through a subset of its draws.
struct SubsetResponse: ChannelResponse {
    let base: any ChannelResponse
    let indices: [Int]
    var drawCount: Int { indices.count }

    func evaluate(budget: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        var allValues = [Double](repeating: 0, count: base.drawCount), allSlopes = allValues
        base.evaluate(budget: budget, values: &allValues, slopes: &allSlopes)
        for (i, d) in indices.enumerated() { values[i] = allValues[d]; slopes[i] = allSlopes[d] }
    }
}

/// A one-period curve seen as a schedule of one period: how a flat plan's rows enter a
/// `PlanProblem`.
struct OnePeriodResponse: ScheduleResponse {
    let curve: any ChannelResponse
    var drawCount: Int { curve.drawCount }
    var periods: Int { 1 }

    init(_ curve: any ChannelResponse) { self.curve = curve }

    func evaluate(spend: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>, gradients: UnsafeMutablePointer<Double>?) {
        if let gradients { return curve.evaluate(budget: max(spend[0], 0), values: values, slopes: gradients) }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: drawCount) {
            curve.evaluate(budget: max(spend[0], 0), values: values, slopes: $0.baseAddress!)
        }
    }

    func breakdown(spend: [Double]) -> ScheduleBreakdown {
        var values = [Double](repeating: 0, count: drawCount)
        spend.withUnsafeBufferPointer { evaluate(spend: $0.baseAddress!, values: &values, gradients: nil) }
        return ScheduleBreakdown(bySpendPeriod: values, arriving: values, carryIn: values.map { _ in 0 })
    }

    func restricted(to indices: [Int]) -> any ScheduleResponse { OnePeriodResponse(curve.restricted(to: indices)) }
}
