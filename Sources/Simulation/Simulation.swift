import Foundation
import MediaModel
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
        /// Hill and Michaelis–Menten: half-saturation (as a share of the channel's maximum weekly
        /// spend) and slope (Hill). Logistic: λ in `halfSaturation`, slope unused.
        public var halfSaturation: Double
        public var slope: Double = 1
        /// The adstock family's parameters in its own order, when `alpha` and `peak` do not say
        /// them (Weibull: scale λ in periods, shape k).
        public var adstockOverride: [Double]?
        /// A multiplier on the effect in each period, `[periods]` (time-varying effectiveness);
        /// nil for a constant effect.
        public var effectiveness: [Double]?

        /// The adstock family's parameters: `adstockOverride`, else α (and θ for delayed).
        public func adstockParameters(_ kind: AdstockKind) -> [Double] {
            adstockOverride ?? Array([alpha, peak].prefix(kind.family.parameters(.neutral).count))
        }

        /// The saturation family's parameters: κ or λ, then the Hill slope.
        public func saturationParameters(_ kind: SaturationKind) -> [Double] {
            Array([halfSaturation, slope].prefix(kind.family.parameters(.neutral).count))
        }

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
    /// A shift of the baseline in each period, `[periods]` (a drift no trend follows); nil for none.
    public var baselineShift: [Double]?
    public var noise: Double
    /// How strongly spend follows a common (seasonal, autocorrelated) driver, 0…1.
    public var spendCorrelation: Double = 0.7
    public var channels: [Channel]
    /// Named controls with their effect per unit.
    public var controls: [Control] = []
    public var startDate = "2023-01-02"

    public init(periods: Int, intercept: Double, noise: Double, channels: [Channel]) {
        self.periods = periods; self.intercept = intercept; self.noise = noise; self.channels = channels
    }
}

/// A control variable of a simulated history.
public struct Control: Sendable {
    public enum Pattern: Sendable {
        /// 1 in a random share of periods, else 0 (holidays, promotions).
        case events(probability: Double)
        /// An index wandering around `level` with relative spread `spread` (prices).
        case index(level: Double, spread: Double)
    }
    public var name: String
    /// Target units per unit of the control.
    public var effect: Double
    public var pattern: Pattern

    public init(name: String, effect: Double, pattern: Pattern = .events(probability: 0.06)) {
        self.name = name; self.effect = effect; self.pattern = pattern
    }
}

/// A simulated history and what generated it.
public struct SimulatedHistory: Sendable {
    public var dataset: Dataset
    /// True contribution per channel and period, `[channels][periods]`.
    public var contributions: [[Double]]
    /// The true baseline (everything but media and noise), `[periods]`.
    public var baseline: [Double] = []

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
            let w = adstock.family.rawWeights(ch.adstockParameters(adstock), maxLag: maxLag)
            let scaled = spend[c].map { $0 / scale }
            var adstocked = [Double](repeating: 0, count: T)
            applyCarryover(scaled, count: T, weights: w, maxLag: maxLag, total: w.reduce(0, +), into: &adstocked)
            let saturated = saturation.family.values(at: adstocked, parameters: ch.saturationParameters(saturation))
            contributions.append(saturated.indices.map { t in ch.effect * (ch.effectiveness?[t] ?? 1) * saturated[t] })
        }
        var controlValues: [[Double]] = []
        for control in controls {
            switch control.pattern {
            case .events(let p):
                controlValues.append((0..<T).map { _ in rng.uniform() < p ? 1 : 0 })
            case .index(let level, let spread):
                var wander = 0.0
                controlValues.append((0..<T).map { _ in
                    wander = 0.9 * wander + spread * rng.normal()
                    return ((level * (1 + wander)) * 1000).rounded() / 1000
                })
            }
        }
        var target = [Double](), baseline = [Double]()
        let centre = controls.map { control -> Double in
            if case .index(let level, _) = control.pattern { return level }
            return 0
        }
        for t in 0..<T {
            var yt = intercept + trend * Double(t) / Double(max(T - 1, 1))
            yt += seasonalAmplitude * sin(2 * Double.pi * Double(t) / 52.18)
            for (j, control) in controls.enumerated() { yt += control.effect * (controlValues[j][t] - centre[j]) }
            yt += baselineShift?[t] ?? 0
            baseline.append(yt)
            for c in channels.indices { yt += contributions[c][t] }
            target.append(((yt + noise * rng.normal()) * 100).rounded() / 100)
        }
        let dataset = Dataset(
            dates: isoWeeks(from: startDate, count: T), targetName: "revenue", target: target,
            channels: channels.map(\.name), spend: spend,
            controlNames: controls.map(\.name), controls: controlValues)
        return SimulatedHistory(dataset: dataset, contributions: contributions, baseline: baseline)
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

extension SimulationTruth {
    /// The bundled example (`Examples/data/weekly.csv`, seed 2026): three years of weekly revenue
    /// of a mid-size retailer with five channels. Parameters are documented in Examples/README.md.
    public static var weeklyExample: SimulationTruth {
        var truth = SimulationTruth(periods: 156, intercept: 2_400_000, noise: 45_000, channels: [
            .init(name: "tv", weeklySpend: 150_000, effect: 900_000, alpha: 0.6, halfSaturation: 0.55, slope: 1.8),
            .init(name: "search", weeklySpend: 80_000, effect: 420_000, alpha: 0.15, halfSaturation: 0.45, slope: 1.0),
            .init(name: "social", weeklySpend: 50_000, effect: 260_000, alpha: 0.35, halfSaturation: 0.5, slope: 1.3),
            .init(name: "youtube", weeklySpend: 40_000, effect: 300_000, alpha: 0.5, halfSaturation: 0.6, slope: 1.5),
            .init(name: "display", weeklySpend: 25_000, effect: 90_000, alpha: 0.25, halfSaturation: 0.4, slope: 1.0),
        ])
        truth.saturation = .hill
        truth.adstock = .geometric
        truth.maxLag = 8
        truth.trend = 250_000
        truth.seasonalAmplitude = 180_000
        truth.spendCorrelation = 0.6
        truth.controls = [
            Control(name: "price_index", effect: -1_500_000, pattern: .index(level: 1, spread: 0.015)),
            Control(name: "holiday", effect: 350_000, pattern: .events(probability: 0.06)),
        ]
        truth.startDate = "2023-01-02"
        return truth
    }

    /// The seed the bundled example was drawn with.
    public static let weeklyExampleSeed: UInt64 = 2026

    /// A yearly effectiveness pattern exp(a·cos(2π(t − peak)/52.18)), normalized to mean 1 over
    /// `periods` periods; t counts from the history's first period (t ≥ periods is the future).
    public static func yearlyEffectiveness(amplitude: Double, peakWeek: Double, periods: Int) -> @Sendable (Int) -> Double {
        let raw = { @Sendable (t: Int) in exp(amplitude * cos(2 * Double.pi * (Double(t) - peakWeek) / 52.18)) }
        let mean = (0..<periods).reduce(0) { $0 + raw($1) } / Double(max(periods, 1))
        return { raw($0) / mean }
    }

    /// This truth with channel `name`'s effect following `yearlyEffectiveness` over the history.
    public func withYearlyEffectiveness(channel name: String, amplitude: Double, peakWeek: Double) -> SimulationTruth {
        var out = self
        let m = Self.yearlyEffectiveness(amplitude: amplitude, peakWeek: peakWeek, periods: periods)
        for c in out.channels.indices where out.channels[c].name == name { out.channels[c].effectiveness = (0..<periods).map(m) }
        return out
    }
}

extension SimulatedHistory {
    /// The history as CSV: date, target, spends, controls.
    public var csv: String {
        let d = dataset
        var lines = [(["week", d.targetName] + d.channels + d.controlNames).joined(separator: ",")]
        for t in 0..<d.periods {
            let cells = [d.dates[t], format(d.target[t])] + d.spend.map { format($0[t]) } + d.controls.map { format($0[t]) }
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The truth per channel as CSV: total spend, true contribution and ROAS over the history.
    public var truthCSV: String {
        var lines = ["channel,spend,contribution,roas"]
        for (c, name) in dataset.channels.enumerated() {
            let contribution = contributions[c].reduce(0, +)
            lines.append("\(name),\(format(dataset.totalSpend[c])),\(format(contribution)),\(format(roas[c]))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }
}

extension SimulationTruth {
    /// The weekly target change a perfect lift test would measure on `channel` when its constant
    /// weekly spend moves from `spend` to `spend + change` (target units). The saturation reads
    /// spend relative to the channel's largest weekly spend in `history`, as the simulation did.
    public func trueLift(channel c: Int, spend: Double, change: Double, in history: SimulatedHistory) -> Double {
        let ch = channels[c]
        let scale = history.dataset.spend[c].max() ?? 1
        let s = saturation.family.values(at: [spend / scale, (spend + change) / scale], parameters: ch.saturationParameters(saturation))
        return ch.effect * (s[1] - s[0])
    }

    /// Lift tests as an experiment would report them: for each channel named, its typical weekly
    /// spend raised by `raise` (a share), and a stated standard error of `relativeError` × the
    /// true lift. The measured lift is the truth plus normal noise of that size (seeded), or the
    /// truth itself when `seed` is nil (a perfect experiment).
    public func liftTests(on names: [String], raise: Double = 0.3, relativeError: Double = 0.1,
                          in history: SimulatedHistory, seed: UInt64?) -> [LiftTest] {
        var rng = SeededGenerator(seed: seed ?? 0, stream: 131)
        return names.compactMap { name in
            guard let c = channels.firstIndex(where: { $0.name == name }) else { return nil }
            let spend = channels[c].weeklySpend, change = (raise * spend).rounded()
            let truth = trueLift(channel: c, spend: spend, change: change, in: history)
            let error = (relativeError * abs(truth)).rounded()
            let measured = seed == nil ? truth : truth + error * rng.normal()
            return LiftTest(channel: name, spend: spend, change: change, lift: measured.rounded(), standardError: error)
        }
    }
}
