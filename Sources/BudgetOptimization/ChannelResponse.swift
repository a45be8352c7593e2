/// A channel's incremental revenue as a function of its budget, once per posterior draw.
///
/// The optimizer knows nothing else about where the curves came from.
public protocol ChannelResponse: Sendable {
    /// Posterior draws D.
    var drawCount: Int { get }

    /// For a budget b ≥ 0 (total over the horizon, currency), writes each draw's revenue r_d(b)
    /// into `values` and its derivative r_d'(b) into `slopes`, both `[drawCount]`.
    func evaluate(budget: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>)
}
