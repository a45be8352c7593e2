import Foundation

/// Which effects change over time (`model.time_varying`). Default: none.
public struct TimeVariation: Sendable, Equatable {
    /// Channels whose effect is scaled by a positive multiplier with mean 1 over the data that
    /// follows a smooth yearly pattern.
    public enum Media: Sendable, Equatable {
        case none
        case all
        case channels([String])
    }

    public var media: Media = .none
    /// A smooth drift added to the baseline (on top of the trend and the yearly seasonality):
    /// level shifts and slow wanders a straight trend cannot follow.
    public var intercept = false

    public init(media: Media = .none, intercept: Bool = false) {
        self.media = media
        self.intercept = intercept
    }

    public var isActive: Bool { media != .none || intercept }

    /// The indices of the channels whose effect varies, in data order.
    public func mediaChannels(_ channels: [String]) -> [Int] {
        switch media {
        case .none: []
        case .all: Array(channels.indices)
        case .channels(let names): channels.indices.filter { names.contains(channels[$0]) }
        }
    }

    /// Prior sd of a channel's log-multiplier (its yearly component): at one prior sd the
    /// effect swings about ±25% over the year.
    public static let mediaYearlySD = 0.25
    /// Prior sd of the baseline's drift, in the model's scaled target (target / max |target|).
    public static let interceptDriftSD = 0.1

    /// The media basis over `periods`: the yearly terms scaled by their prior sd,
    /// `[yearly terms, periods]`; unit-normal coefficients against it give the log-multiplier.
    static func scaledDesign(_ basis: TimeBasis, periods: Range<Int>) -> [Double] {
        basis.design(periods, drift: false).map { mediaYearlySD * $0 }
    }
}

/// The smooth functions of time a time-varying effect is built from, each already weighted so
/// that unit-normal coefficients give a component of prior sd about 1 (the yearly component
/// exactly; the drift within its approximation, less near the data's ends after centring):
///
/// - a **yearly component** (time-varying media effects): the Fourier pairs sin/cos(2πjt/P),
///   j = 1…`seasonalOrder`, weighted by the spectral weights of a periodic Gaussian-process kernel
///   (lengthscale 1), so the first harmonic dominates — the Hilbert-space approximation of a
///   periodic GP is exactly this basis;
/// - a **drift** (a time-varying baseline): a Hilbert-space approximation (Solin & Särkkä;
///   Riutort-Mayol et al.) of a squared-exponential GP over the data's span, lengthscale half a
///   year, boundary the larger of 1.5 half-spans and 3.2 lengthscales, as many basis functions as
///   that lengthscale needs (at most 40), centred to average 0 over the data.
///
/// Periods are counted from the data's first (t = 0); t ≥ T reads the plan's weeks. The yearly
/// component repeats; the drift continues as the approximated GP predicts, so past the data it
/// returns towards the average with growing uncertainty across draws, and beyond 0.4 half-spans
/// past the data (where the approximation stops being one) it is held at that point's value.
public struct TimeBasis: Sendable, Equatable {
    /// Data periods T.
    public let periods: Int
    /// The year in periods (the seasonality's period).
    public let yearLength: Double
    public let seasonalOrder: Int
    /// Drift basis functions m.
    public let driftCount: Int
    let lengthscale: Double, boundary: Double, halfSpan: Double
    let seasonalWeights: [Double], driftWeights: [Double]
    /// Each drift term's mean over the data, subtracted so the drift averages 0 there and the
    /// intercept keeps its meaning.
    var driftMeans: [Double] = []

    /// - Parameters:
    ///   - periods: data periods T.
    ///   - yearLength: periods per year (52.18 for weekly data, 12 for monthly).
    ///   - seasonalOrder: Fourier pairs of the yearly component (default 2).
    public init(periods: Int, yearLength: Double, seasonalOrder: Int = 2) {
        self.periods = periods
        self.yearLength = yearLength
        self.seasonalOrder = seasonalOrder
        // Periodic kernel exp(−2 sin²(πτ/P)/ℓ²), ℓ = 1: its j-th harmonic carries 2·I_j(1)/e of the
        // variance; normalized over the harmonics kept so the component has sd 1.
        let q = (1...max(seasonalOrder, 1)).map { besselI($0, 1) }
        let qTotal = q.prefix(seasonalOrder).reduce(0, +)
        seasonalWeights = q.prefix(seasonalOrder).map { ($0 / qTotal).squareRoot() }
        halfSpan = max(Double(periods - 1) / 2, 1)
        lengthscale = (yearLength / 2) / halfSpan
        // Riutort-Mayol et al.: the boundary at least 1.2 half-spans and 3.2 lengthscales (short
        // data have a lengthscale near their span), and m ≥ 1.75·L/ℓ basis functions.
        boundary = max(1.5, 3.2 * lengthscale)
        let m = Int((1.75 * boundary / lengthscale).rounded(.up)) + 1
        driftCount = min(max(m, 3), 40)
        // Squared-exponential spectral density at the eigenfrequencies √λ_k = πk/(2L), unit variance.
        let (L, ell) = (boundary, lengthscale)
        let raw = (1...driftCount).map { k -> Double in
            let omega = Double.pi * Double(k) / (2 * L)
            return (2 * Double.pi).squareRoot() * ell * exp(-0.5 * ell * ell * omega * omega)
        }
        driftWeights = raw.map { $0.squareRoot() }
        let columns = (0..<periods).map { rawDrift(at: Double($0)) }
        driftMeans = (0..<driftCount).map { k in columns.reduce(0) { $0 + $1[k] } / Double(max(periods, 1)) }
    }

    /// Yearly terms: 2·`seasonalOrder`.
    public var seasonalTermCount: Int { 2 * seasonalOrder }

    func seasonalValues(at t: Double) -> [Double] {
        var out: [Double] = []
        for j in 0..<seasonalOrder {
            let w = 2 * Double.pi * Double(j + 1) / yearLength
            out.append(seasonalWeights[j] * sin(w * t))
            out.append(seasonalWeights[j] * cos(w * t))
        }
        return out
    }

    func driftValues(at t: Double) -> [Double] {
        zip(rawDrift(at: t), driftMeans).map { $0 - $1 }
    }

    private func rawDrift(at t: Double) -> [Double] {
        // x runs from −1 to 1 over the data; held where the approximation ends.
        let x = min(max((t - Double(periods - 1) / 2) / halfSpan, -1.4), 1.4)
        let norm = 1 / boundary.squareRoot()
        return (0..<driftCount).map { k in
            driftWeights[k] * norm * sin(Double.pi * Double(k + 1) * (x + boundary) / (2 * boundary))
        }
    }

    /// The terms over periods `range`, `[terms, periods]` row-major (a fixed design).
    func design(_ range: Range<Int>, seasonal: Bool = true, drift: Bool = true) -> [Double] {
        let columns = range.map { t -> [Double] in
            (seasonal ? seasonalValues(at: Double(t)) : []) + (drift ? driftValues(at: Double(t)) : [])
        }
        let terms = columns.first?.count ?? 0
        return (0..<terms).flatMap { k in columns.map { $0[k] } }
    }
}

/// The modified Bessel function of the first kind I_n(x) by its power series (small x only).
func besselI(_ n: Int, _ x: Double) -> Double {
    var term = pow(x / 2, Double(n)) / tgamma(Double(n + 1)), sum = 0.0
    for k in 0..<40 {
        sum += term
        term *= (x * x / 4) / (Double(k + 1) * Double(k + 1 + n))
    }
    return sum
}
