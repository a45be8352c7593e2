import Foundation
import Sampling

/// Known parameters of a simulated media-mix history, in the data's units, so a fit can be
/// checked against the truth.
public struct SimulationTruth: Sendable {
    public struct Channel: Sendable {
        public var name: String
        /// Typical weekly spend (currency).
        public var weeklySpend: Double
        /// Target units a fully saturated week adds.
        public var effect: Double
        /// Adstock decay α and (delayed) peak θ.
        public var alpha: Double
        public var peak: Double = 0
        /// Hill: half-saturation (as a share of the channel's maximum weekly spend) and slope.
        /// Logistic: λ in `halfSaturation`, slope unused.
        public var halfSaturation: Double
        public var slope: Double = 1

        public init(name: String, weeklySpend: Double, effect: Double, alpha: Double, peak: Double = 0,
                    halfSaturation: Double, slope: Double = 1) {
            self.name = name; self.weeklySpend = weeklySpend; self.effect = effect; self.alpha = alpha
            self.peak = peak; self.halfSaturation = halfSaturation; self.slope = slope
        }
    }

    public var periods: Int
    public var adstock: AdstockKind = .geometric
    public var maxLag = 8
    public var saturation: SaturationKind = .hill
    public var intercept: Double
    /// Change of the baseline from the first to the last period.
    public var trend: Double = 0
    /// Amplitude of a yearly sine on the baseline.
    public var seasonalAmplitude: Double = 0
    public var noise: Double
    /// How strongly spend follows a common (seasonal, autocorrelated) driver, 0…1.
    public var spendCorrelation: Double = 0.7
    public var channels: [Channel]
    /// Named controls with their effect per unit; values are drawn as ±1 events in some weeks.
    public var controls: [(name: String, effect: Double)] = []
    public var startDate = "2023-01-02"

    public init(periods: Int, intercept: Double, noise: Double, channels: [Channel]) {
        self.periods = periods; self.intercept = intercept; self.noise = noise; self.channels = channels
    }
}

/// A simulated history and what generated it.
public struct SimulatedHistory: Sendable {
    public var dataset: Dataset
    /// True contribution per channel and period, `[channels][periods]`.
    public var contributions: [[Double]]

    /// True ROAS of each channel over the history, `[channels]`.
    public var roas: [Double] {
        zip(contributions, dataset.totalSpend).map { $0.reduce(0, +) / $1 }
    }
}

extension SimulationTruth {
    /// Draws spend, controls and the target from the truth with a seeded stream.
    public func simulate(seed: UInt64) -> SimulatedHistory {
        var rng = SeededGenerator(seed: seed, stream: 97)
        let T = periods
        // A common driver: yearly seasonality plus an AR(1) wander.
        var driver = [Double](repeating: 0, count: T)
        var ar = 0.0
        for t in 0..<T {
            ar = 0.7 * ar + 0.5 * rng.normal()
            driver[t] = 0.6 * sin(2 * Double.pi * Double(t) / 52.18 + 1) + ar
        }
        var spend: [[Double]] = []
        for ch in channels {
            var own = 0.0
            spend.append((0..<T).map { t in
                own = 0.5 * own + 0.6 * rng.normal()
                let level = spendCorrelation * driver[t] + (1 - spendCorrelation) * own
                return (ch.weeklySpend * exp(0.5 * level)).rounded()
            })
        }
        var contributions: [[Double]] = []
        for (c, ch) in channels.enumerated() {
            let scale = spend[c].max() ?? 1
            let w = AdstockWeights(kind: adstock, alpha: ch.alpha, peak: ch.peak, maxLag: maxLag)
            let scaled = spend[c].map { $0 / scale }
            var adstocked = [Double](repeating: 0, count: T)
            scaled.withUnsafeBufferPointer { xs in
                adstocked.withUnsafeMutableBufferPointer { applyAdstock(xs.baseAddress!, count: T, weights: w, into: $0.baseAddress!) }
            }
            contributions.append(adstocked.map {
                ch.effect * MediaModel.saturation(saturation, $0, first: ch.halfSaturation, second: ch.slope).value
            })
        }
        var controlValues: [[Double]] = []
        for _ in controls {
            controlValues.append((0..<T).map { _ in rng.uniform() < 0.06 ? 1 : 0 })
        }
        var target = [Double]()
        for t in 0..<T {
            var yt = intercept + trend * Double(t) / Double(max(T - 1, 1))
            yt += seasonalAmplitude * sin(2 * Double.pi * Double(t) / 52.18)
            for (j, control) in controls.enumerated() { yt += control.effect * controlValues[j][t] }
            for c in channels.indices { yt += contributions[c][t] }
            target.append(yt + noise * rng.normal())
        }
        let dataset = Dataset(
            dates: isoWeeks(from: startDate, count: T), targetName: "revenue", target: target,
            channels: channels.map(\.name), spend: spend,
            controlNames: controls.map(\.name), controls: controlValues)
        return SimulatedHistory(dataset: dataset, contributions: contributions)
    }
}

/// `count` ISO dates one week apart from `start` (YYYY-MM-DD).
public func isoWeeks(from start: String, count: Int) -> [String] {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    guard let first = formatter.date(from: start) else { return [] }
    return (0..<count).map { formatter.string(from: first.addingTimeInterval(Double($0) * 7 * 86400)) }
}
