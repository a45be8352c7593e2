/// One sampled parameter: its name in the draws file, where it lives, and its prior.
public struct ModelParameter: Sendable, Equatable {
    /// Name in Stan's style: `intercept`, `beta.2`, `adstock_alpha.1`…
    public var name: String
    public var support: Support
    public var prior: Prior
}

/// Where each parameter family sits in the unconstrained vector.
struct ParameterIndex: Sendable {
    struct Channel: Sendable {
        /// log ROAS over the data period (the sampled coordinate).
        var effect: Int
        /// The prior on β when the user stated no ROAS belief (nil: the prior is on the ROAS).
        var betaPrior: Prior?
        var alpha: Int
        var peak: Int?
        /// κ (hill) or λ (logistic).
        var first: Int
        /// Hill slope k.
        var second: Int?
    }
    var intercept = 0
    var trend: Int?
    var season: Range<Int> = 0..<0
    var controls: Range<Int> = 0..<0
    var channels: [Channel] = []
    var sigma = 0
}
