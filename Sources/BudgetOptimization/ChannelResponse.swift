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
