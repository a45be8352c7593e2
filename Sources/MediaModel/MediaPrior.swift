import Foundation

/// The default belief about media effects, for every channel without a prior of its own
/// (`model.priors.<channel>.roas` or `.beta`). Stated on the scale a marketer thinks in.
public enum MediaPrior: Sendable, Equatable, CustomStringConvertible {
    /// Each channel's ROAS over the data period ~ LogNormal(μ, σ): for revenue targets.
    case roas(mu: Double, sigma: Double)
    /// All media together explain this share of the target (mean, sd; Meridian's default for a
    /// non-revenue KPI is 0.4, 0.2). Every channel's return per currency unit gets one log-normal,
    /// sized so that Σ_c return_c·spend_c / Σ target has that mean and sd (channels independent).
    case mediaShare(mean: Double, sd: Double)
    /// β_c ~ HalfNormal(spend share_c × mean target) on the model's scale (kept for comparison
    /// with the media-share default).
    case spendShare

    /// The default for revenue targets: ROAS ~ LogNormal(0.2, 0.9), Meridian's default ROI prior:
    /// median 1.22, 90% between 0.28 and 5.4, 95% below 7.2. In the decision study
    /// (`mixplan-bench --only decisions`, README.md "Default priors") σ 0.8 and 0.9 scored alike
    /// (median ROAS error 62% vs 63%, band coverage 89% vs 91%); 0.9 keeps the coverage nearer 90%
    /// and states the belief a marketer can look up.
    public static let revenueDefault = MediaPrior.roas(mu: 0.2, sigma: 0.9)
    /// The default for non-revenue targets (units, sign-ups): media explain 40% ± 20%.
    public static let unitsDefault = MediaPrior.mediaShare(mean: 0.4, sd: 0.2)

    public var description: String {
        switch self {
        case .roas(let m, let s): "roas LogNormal(\(m), \(s))"
        case .mediaShare(let m, let s): "media share mean \(m), sd \(s)"
        case .spendShare: "beta by spend share"
        }
    }
}

extension ModelSpecification {
    /// The prior on channel `name`'s ROAS over the data period, or nil when the channel's effect
    /// keeps a prior on β (the user stated one, or `mediaPrior` is `.spendShare`).
    public func roasPrior(channel name: String, data: Dataset) -> Prior? {
        if let stated = priors.roas[name] { return .logNormal(mean: stated.mean, sd: stated.sd) }
        if priors.channel[name]?["beta"] != nil { return nil }
        switch mediaPrior {
        case .roas(let mu, let sigma):
            return .logNormal(mu: mu, sigma: sigma)
        case .mediaShare(let mean, let sd):
            let target = data.target.reduce(0, +)
            let spend = data.totalSpend
            let squares = spend.reduce(0) { $0 + $1 * $1 }
            guard target > 0, squares > 0 else { return nil }
            // E[Σ r_c·S_c]/Y = mean and sd(Σ r_c·S_c)/Y = sd with every r_c of one log-normal.
            let m = mean * target / spend.reduce(0, +)
            let s = sd * target / squares.squareRoot()
            return .logNormal(mean: m, sd: s)
        case .spendShare:
            return nil
        }
    }
}
