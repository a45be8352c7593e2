import MediaModel
import Sampling

/// The sampler settings a model's geometry needs when the scenario leaves them unset. The
/// sampler itself knows no models; the model kinds whose posteriors have harder tails get a
/// higher `target_accept` (smaller steps) here.
extension SamplerConfiguration {
    /// `target_accept` for geo fits with partial pooling. At Stan's 0.8 the geo deviations' tails
    /// (τ near 0, z beyond ±2.5) gave stray divergences in every bench fit (1–10 per 4000 draws);
    /// at 0.9, 3 of 4 bench fits still failed a check (a divergence, or R-hat 1.011); at 0.95 none
    /// of 6 did (two sizes, three seeds), at about the same steps per draw.
    public static let partialPoolingTargetAcceptance = 0.95
    /// `target_accept` for national fits with a drifting baseline (and constant media).
    public static let driftingBaselineTargetAcceptance = 0.9
    /// `target_accept` for fits with time-varying media effects: a channel's multiplier trades off
    /// against the baseline's own seasonality and its ROAS, and at 0.9, 7 of 13 simulated fits
    /// and the bundled seasonal example left 1–5 divergences per 4000 draws in that tail.
    public static let timeVaryingTargetAcceptance = 0.95

    /// These settings with the model's `target_accept` default applied (for a scenario that does
    /// not state `sampler.target_accept`).
    /// - Parameter geo: whether the data have geos (partial pooling applies only there).
    public func withModelDefaults(_ model: ModelSpecification, geo: Bool) -> SamplerConfiguration {
        var settings = self
        if geo, model.hierarchy == .partial {
            settings.targetAcceptance = Self.partialPoolingTargetAcceptance
        }
        if model.timeVariation.media != .none {
            settings.targetAcceptance = Self.timeVaryingTargetAcceptance
        } else if model.timeVariation.intercept {
            settings.targetAcceptance = max(settings.targetAcceptance, Self.driftingBaselineTargetAcceptance)
        }
        return settings
    }
}
