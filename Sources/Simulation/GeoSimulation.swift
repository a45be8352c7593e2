import Foundation
import MediaModel
import Sampling

/// Known parameters of a simulated geo history with an optional experiment, so a lift analysis
/// can be checked against the truth.
///
/// Each geo g has a size share p_g (Σ p_g = 1, population ∝ p_g). Its weekly target is
///
///     y_{g,t} = p_g · base_t · (1 + a_g · sin(2πt/52.18 + φ_g)) + Σ_c p_g · effect_c · hill(adstock(x_{g,c}/p_g)_t / scale_c)
///               + noise · √p_g · z
///
/// a common national baseline (level, trend, yearly season and an AR(1) demand wander every geo
/// shares), a small seasonal swing of the geo's own, and each channel's national curve scaled by
/// the geo's size (half-saturation scaled too), the assumption under which a geo experiment's
/// national-equivalent lift test is exact. Spend follows a national plan (a common driver and each
/// channel's own wander) split by size with ±10% geo noise. The experiment multiplies the treated
/// geos' spend on one channel by (1 + change) during the window; the same random draws give the
/// history without it, so the true effect is known exactly.
public struct GeoSimulationTruth: Sendable {
    public struct Channel: Sendable {
        public var name: String
        /// Typical national weekly spend (currency).
        public var weeklySpend: Double
        /// National target units a fully saturated week adds.
        public var effect: Double
        /// Geometric adstock decay (normalized weights over `maxLag` periods).
        public var alpha: Double
        /// Hill half-saturation as a share of the national plan's largest weekly spend, and slope.
        public var halfSaturation: Double
        public var slope: Double

        public init(name: String, weeklySpend: Double, effect: Double, alpha: Double, halfSaturation: Double, slope: Double) {
            self.name = name; self.weeklySpend = weeklySpend; self.effect = effect; self.alpha = alpha
            self.halfSaturation = halfSaturation; self.slope = slope
        }
    }

    /// The injected test: `channel`'s spend in the `treated` geos times (1 + change) in `window`.
    public struct Experiment: Sendable, Equatable {
        public var channel: Int
        public var treated: [Int]
        public var window: Range<Int>
        /// Relative change of spend (0.5: +50%, −1: off, 0: no change).
        public var change: Double

        public init(channel: Int, treated: [Int], window: Range<Int>, change: Double) {
            self.channel = channel; self.treated = treated; self.window = window; self.change = change
        }
    }

    public var geos: Int
    public var periods: Int
    public var startDate = "2024-01-01"
    /// National weekly baseline, its change over the history, yearly amplitude, AR(1) demand sd.
    public var baseline: Double
    public var trend = 0.0
    public var seasonalAmplitude = 0.0
    public var demandWander = 0.0
    /// Largest own-seasonal amplitude of a geo (a share of its baseline).
    public var geoSeasonality = 0.02
    /// National noise sd per week; a geo's is noise · √p_g.
    public var noise: Double
    public var maxLag = 8
    public var channels: [Channel]
    public var experiment: Experiment?
    /// Total population, split by size share (for the population column).
    public var population = 30_000_000.0

    public init(geos: Int, periods: Int, baseline: Double, noise: Double, channels: [Channel], experiment: Experiment? = nil) {
        self.geos = geos; self.periods = periods; self.baseline = baseline; self.noise = noise
        self.channels = channels; self.experiment = experiment
    }

    /// Geo names g01, g02, …
    public static func geoName(_ g: Int) -> String { String(format: "g%02d", g + 1) }
}

/// A simulated geo history, its truth without the experiment, and the experiment's true effect.
public struct SimulatedGeoHistory: Sendable {
    public let truth: GeoSimulationTruth
    /// The data as observed (the experiment applied), geo data with population.
    public let dataset: Dataset
    /// Each geo's size share, `[geos]`.
    public let shares: [Double]
    /// Each channel's spend scale (the national plan's largest weekly spend), `[channels]`.
    public let scales: [Double]
    /// Contributions with and without the experiment, `[geo][channel][period]`.
    let contributions: [[[Double]]]
    let contributionsWithout: [[[Double]]]
    /// Spend without the experiment, `[geo][channel][period]`.
    let spendWithout: [[[Double]]]

    /// The experiment's true incremental target over `periods`, summed over the treated geos.
    public func trueEffect(over periods: Range<Int>) -> Double {
        guard let e = truth.experiment else { return 0 }
        return e.treated.reduce(0) { sum, g in
            periods.reduce(sum) { $0 + contributions[g][e.channel][$1] - contributionsWithout[g][e.channel][$1] }
        }
    }

    /// The experiment's true incremental spend (over its window, summed over the treated geos).
    public var trueIncrementalSpend: Double {
        guard let e = truth.experiment else { return 0 }
        return e.treated.reduce(0) { sum, g in
            e.window.reduce(sum) { $0 + dataset.spend(geo: g, channel: e.channel)[$1] - spendWithout[g][e.channel][$1] }
        }
    }

    /// The true incremental ROAS measured over `periods` (the window, plus any cooldown).
    public func trueROAS(over periods: Range<Int>) -> Double { trueEffect(over: periods) / trueIncrementalSpend }

    /// The national curve's true steady-state weekly lift when channel c's national weekly spend
    /// moves from `spend` to `spend + change` (what a perfect national lift test would report).
    public func trueNationalLift(channel c: Int, spend: Double, change: Double) -> Double {
        let ch = truth.channels[c]
        return ch.effect * (hill((spend + change) / scales[c], ch) - hill(spend / scales[c], ch))
    }

    func hill(_ a: Double, _ ch: GeoSimulationTruth.Channel) -> Double {
        let ak = pow(max(a, 0), ch.slope)
        return ak / (ak + pow(ch.halfSaturation, ch.slope))
    }

    /// The history summed over geos (national data), for the national model.
    public var national: Dataset {
        Dataset(dates: dataset.dates, targetName: dataset.targetName, target: dataset.target,
                channels: dataset.channels, spend: dataset.spend)
    }
}

extension GeoSimulationTruth {
    /// Draws the history with a seeded stream (the same seed gives the same history, experiment
    /// or not: the experiment changes spend only).
    public func simulate(seed: UInt64) -> SimulatedGeoHistory {
        var rng = SeededGenerator(seed: seed, stream: 41)
        let G = geos, T = periods, C = channels.count
        let year = 52.18
        // Size shares: log-normal, normalized.
        let raw = (0..<G).map { _ in exp(0.5 * rng.normal()) }
        let shares = raw.map { $0 / raw.reduce(0, +) }
        let populations = shares.map { ($0 * population).rounded() }
        let ownAmplitude = (0..<G).map { _ in geoSeasonality * rng.uniform() }
        let ownPhase = (0..<G).map { _ in 2 * Double.pi * rng.uniform() }
        // National baseline with a shared demand wander.
        var demand = 0.0
        let base = (0..<T).map { t -> Double in
            demand = 0.8 * demand + demandWander * rng.normal()
            return baseline + trend * Double(t) / Double(max(T - 1, 1)) + seasonalAmplitude * sin(2 * Double.pi * Double(t) / year) + demand
        }
        // National plan per channel: a common driver and the channel's own wander.
        var ar = 0.0
        let driver = (0..<T).map { t -> Double in
            ar = 0.7 * ar + 0.4 * rng.normal()
            return 0.5 * sin(2 * Double.pi * Double(t) / year + 1) + ar
        }
        let plan = channels.map { ch -> [Double] in
            var own = 0.0
            return (0..<T).map { t in
                own = 0.5 * own + 0.5 * rng.normal()
                return ch.weeklySpend * exp(0.4 * (0.6 * driver[t] + 0.4 * own))
            }
        }
        let scales = plan.map { $0.max() ?? 1 }
        var spendWithout = [[[Double]]](repeating: [], count: G)
        for g in 0..<G {
            spendWithout[g] = (0..<C).map { c in (0..<T).map { t in (shares[g] * plan[c][t] * exp(0.1 * rng.normal())).rounded() } }
        }
        var spend = spendWithout
        if let e = experiment {
            for g in e.treated { for t in e.window { spend[g][e.channel][t] = (spend[g][e.channel][t] * (1 + e.change)).rounded() } }
        }
        let noiseDraws = (0..<G).map { _ in (0..<T).map { _ in rng.normal() } }

        func contributions(_ spend: [[[Double]]]) -> [[[Double]]] {
            (0..<G).map { g in
                (0..<C).map { c in
                    let ch = channels[c]
                    var weights = (0..<maxLag).map { pow(ch.alpha, Double($0)) }
                    let total = weights.reduce(0, +)
                    weights = weights.map { $0 / total }
                    return (0..<T).map { t in
                        var adstocked = 0.0
                        for l in 0..<min(maxLag, t + 1) { adstocked += weights[l] * spend[g][c][t - l] }
                        let a = adstocked / shares[g] / scales[c]
                        let ak = pow(a, ch.slope)
                        return shares[g] * ch.effect * ak / (ak + pow(ch.halfSaturation, ch.slope))
                    }
                }
            }
        }
        let with = contributions(spend), without = experiment == nil ? with : contributions(spendWithout)
        var target = GeoArray(geos: G, periods: T, width: 1)
        var spendArray = GeoArray(geos: G, periods: T, width: C)
        for g in 0..<G {
            for t in 0..<T {
                var y = shares[g] * base[t] * (1 + ownAmplitude[g] * sin(2 * Double.pi * Double(t) / year + ownPhase[g]))
                for c in 0..<C { y += with[g][c][t]; spendArray[g, t, c] = spend[g][c][t] }
                y += noise * shares[g].squareRoot() * noiseDraws[g][t]
                target[g, t, 0] = (y * 100).rounded() / 100
            }
        }
        let dataset = Dataset(dates: isoWeeks(from: startDate, count: T), targetName: "revenue",
                              channels: channels.map(\.name), geos: (0..<G).map(Self.geoName), population: populations,
                              target: target, spend: spendArray)
        return SimulatedGeoHistory(truth: self, dataset: dataset, shares: shares, scales: scales,
                                   contributions: with, contributionsWithout: without, spendWithout: spendWithout)
    }

    /// The bundled geo example (`Examples/data/geo_lift.csv`, seed `geoExampleSeed`): 24 regions
    /// over two years of weeks from 2024-01-01, three channels; TV raised by 60% in g03, g07, g12
    /// and g18 for the 8 weeks from 2025-07-07 (periods 79–86).
    public static var geoExample: GeoSimulationTruth {
        var truth = GeoSimulationTruth(geos: 24, periods: 104, baseline: 2_400_000, noise: 30_000, channels: [
            .init(name: "tv", weeklySpend: 150_000, effect: 900_000, alpha: 0.5, halfSaturation: 0.6, slope: 1.5),
            .init(name: "search", weeklySpend: 80_000, effect: 420_000, alpha: 0.15, halfSaturation: 0.45, slope: 1.0),
            .init(name: "social", weeklySpend: 50_000, effect: 200_000, alpha: 0.3, halfSaturation: 0.5, slope: 1.2),
        ])
        truth.trend = 200_000
        truth.seasonalAmplitude = 180_000
        truth.demandWander = 40_000
        truth.experiment = Experiment(channel: 0, treated: [2, 6, 11, 17], window: 79..<87, change: 0.6)
        return truth
    }

    public static let geoExampleSeed: UInt64 = 2027
}

extension SimulatedGeoHistory {
    /// The history as long-format CSV: week, geo, population, revenue, then the channels' spend.
    public var csv: String {
        let d = dataset
        var lines = [(["week", "geo", "population", d.targetName] + d.channels).joined(separator: ",")]
        for t in 0..<d.periods {
            for g in 0..<d.geoCount {
                let cells = [d.dates[t], d.geos[g], format(d.population![g]), format(d.geoTarget[g, t, 0])]
                    + d.channels.indices.map { format(d.geoSpend[g, t, $0]) }
                lines.append(cells.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The national sums as CSV: week, revenue, then the channels' spend.
    public var nationalCSV: String {
        let d = national
        var lines = [(["week", d.targetName] + d.channels).joined(separator: ",")]
        for t in 0..<d.periods {
            lines.append(([d.dates[t], format(d.target[t])] + d.spend.map { format($0[t]) }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The experiment's truth as CSV (empty without one): channel, treated geos, window dates,
    /// true incremental spend, true effect over the window and over the window plus 4 weeks, and
    /// the true incremental ROAS of each.
    public var truthCSV: String {
        guard let e = truth.experiment else { return "" }
        let d = dataset
        let measured = e.window.lowerBound..<min(e.window.upperBound + 4, d.periods)
        let header = "channel,treated,from,to,incremental_spend,effect_window,roas_window,effect_window_plus_4,roas_window_plus_4"
        let row = [d.channels[e.channel], e.treated.map { d.geos[$0] }.joined(separator: " "), d.dates[e.window.lowerBound],
                   d.dates[e.window.upperBound - 1], format(trueIncrementalSpend), format(trueEffect(over: e.window)),
                   String(format: "%.4f", trueROAS(over: e.window)), format(trueEffect(over: measured)),
                   String(format: "%.4f", trueROAS(over: measured))]
        return header + "\n" + row.joined(separator: ",") + "\n"
    }

    private func format(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(format: "%.2f", x)
    }
}
