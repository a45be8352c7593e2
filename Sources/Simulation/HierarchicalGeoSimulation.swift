import Foundation
import MediaModel
import Sampling

/// Known parameters of a simulated regional history: geos of different sizes, each channel's
/// national effect with every geo's log-scale deviation of spread τ, so that a geo fit can be
/// checked against the truth (national and per-geo ROAS).
///
/// A geo's curve is the national one at its own size: with size share s_g, weekly spend x enters
/// saturation as x / (s_g·reference_c), and a saturated week adds s_g·effect_c·e^{τ_c·z_{g,c}}.
public struct HierarchicalGeoTruth: Sendable {
    public struct Channel: Sendable {
        public var name: String
        /// National weekly spend at typical level (currency): each geo spends its share of it.
        public var weeklySpend: Double
        /// National-equivalent target units a fully saturated week adds.
        public var effect: Double
        /// Geometric adstock decay α.
        public var alpha: Double
        /// Half-saturation as a share of the national reference spend (2 × `weeklySpend`); Hill slope.
        public var halfSaturation: Double
        public var slope: Double = 1
        /// Spread τ of the geos' log-scale effect deviations.
        public var tau: Double

        public init(name: String, weeklySpend: Double, effect: Double, alpha: Double, halfSaturation: Double,
                    slope: Double = 1, tau: Double) {
            self.name = name; self.weeklySpend = weeklySpend; self.effect = effect; self.alpha = alpha
            self.halfSaturation = halfSaturation; self.slope = slope; self.tau = tau
        }
    }

    public var geos: Int
    public var periods: Int
    public var channels: [Channel]
    /// National baseline per period, split across geos by size.
    public var intercept: Double
    /// Spread of geo sizes: log-normal sd of the populations (0: equal sizes).
    public var sizeSpread: Double = 1.0
    /// Noise sd of a geo holding the whole population; a geo of share s has sd noise·√s, so small
    /// geos are relatively noisier (as counts are).
    public var noise: Double
    /// Yearly seasonal amplitude of the national baseline (each geo scales it by its size and a
    /// geo-level factor).
    public var seasonalAmplitude: Double = 0
    /// Baseline change from the first to the last period (national).
    public var trend: Double = 0
    /// How strongly spend follows a driver (seasonal rhythm and wander), 0…1.
    public var spendCorrelation: Double = 0.5
    /// How much of the driver's wander all geos share, 0 (each geo its own) … 1 (lockstep).
    public var geoAlignment: Double = 0.3
    public var maxLag = 8
    public var startDate = "2023-01-02"

    public init(geos: Int, periods: Int, channels: [Channel], intercept: Double, noise: Double) {
        self.geos = geos; self.periods = periods; self.channels = channels; self.intercept = intercept; self.noise = noise
    }
}

/// A simulated regional history and the truth behind it.
public struct HierarchicalGeoHistory: Sendable {
    public var dataset: Dataset
    /// True contribution of each (geo, channel) over the history, `[geos][channels]`.
    public var contributions: [[Double]]
    /// Each geo's log-scale effect deviation z_{g,c}, `[geos][channels]`.
    public var deviations: [[Double]]

    /// True ROAS per geo and channel, `[geos][channels]` (NaN where a geo did not spend).
    public var geoROAS: [[Double]] {
        (0..<dataset.geoCount).map { g in
            let spend = dataset.totalSpend(geo: g)
            return zip(contributions[g], spend).map { $1 > 0 ? $0 / $1 : .nan }
        }
    }

    /// True national ROAS per channel, `[channels]`.
    public var roas: [Double] {
        dataset.channels.indices.map { c in contributions.reduce(0) { $0 + $1[c] } / dataset.totalSpend[c] }
    }

    /// The history in long format: week, geo, population, target, spends.
    public var csv: String {
        let d = dataset
        var lines = [(["week", "geo", "population", d.targetName] + d.channels).joined(separator: ",")]
        for t in 0..<d.periods {
            for g in 0..<d.geoCount {
                let cells = [d.dates[t], d.geos[g], format(d.population?[g] ?? 0), format(d.geoTarget[g, t, 0])]
                    + d.channels.indices.map { format(d.geoSpend[g, t, $0]) }
                lines.append(cells.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)" }
}

extension HierarchicalGeoTruth {
    /// Draws sizes, deviations, spend and the target with a seeded stream.
    public func simulate(seed: UInt64) -> HierarchicalGeoHistory {
        var rng = SeededGenerator(seed: seed, stream: 211)
        let G = geos, T = periods, C = channels.count
        let raw = (0..<G).map { _ in exp(sizeSpread * rng.normal()) }
        let share = raw.map { $0 / raw.reduce(0, +) }
        let population = share.map { ($0 * 10_000_000).rounded() }
        let deviations = (0..<G).map { _ in (0..<C).map { _ in rng.normal() } }
        let amplitude = (0..<G).map { _ in exp(0.3 * rng.normal()) }

        // A common seasonal rhythm plus each geo's own wander: regions buy media on one calendar
        // but not in lockstep, which is what lets geo data separate the channels.
        var common = [Double](repeating: 0, count: T), ar = 0.0
        for t in 0..<T {
            ar = 0.7 * ar + 0.5 * rng.normal()
            common[t] = 0.6 * sin(2 * Double.pi * Double(t) / 52.18 + 1) + geoAlignment * ar
        }
        var target = GeoArray(geos: G, periods: T, width: 1)
        var spend = GeoArray(geos: G, periods: T, width: C)
        var contributions = [[Double]](repeating: [Double](repeating: 0, count: C), count: G)
        for g in 0..<G {
            var own = 0.0
            let driver = (0..<T).map { t -> Double in
                own = 0.7 * own + 0.5 * rng.normal()
                return common[t] + (1 - geoAlignment) * own
            }
            var baseline = (0..<T).map { t in
                share[g] * (intercept + trend * Double(t) / Double(max(T - 1, 1))
                    + amplitude[g] * seasonalAmplitude * sin(2 * Double.pi * Double(t) / 52.18))
            }
            for (c, ch) in channels.enumerated() {
                var own = 0.0
                let series = (0..<T).map { t -> Double in
                    own = 0.5 * own + 0.6 * rng.normal()
                    let level = spendCorrelation * driver[t] + (1 - spendCorrelation) * own
                    return (share[g] * ch.weeklySpend * exp(0.5 * level)).rounded()
                }
                let reference = 2 * ch.weeklySpend * share[g]
                let w = AdstockKind.geometric.family.rawWeights([ch.alpha], maxLag: maxLag)
                var adstocked = [Double](repeating: 0, count: T)
                applyCarryover(series.map { $0 / reference }, count: T, weights: w, maxLag: maxLag, total: w.reduce(0, +), into: &adstocked)
                let effect = share[g] * ch.effect * exp(ch.tau * deviations[g][c])
                let s = SaturationKind.hill.family.values(at: adstocked, parameters: [ch.halfSaturation, ch.slope])
                for t in 0..<T {
                    spend[g, t, c] = series[t]
                    baseline[t] += effect * s[t]
                    contributions[g][c] += effect * s[t]
                }
            }
            let sd = noise * share[g].squareRoot()
            for t in 0..<T { target[g, t, 0] = ((baseline[t] + sd * rng.normal()) * 100).rounded() / 100 }
        }
        let names = (0..<G).map { String(format: "g%02d", $0 + 1) }
        let dataset = Dataset(dates: isoWeeks(from: startDate, count: T), targetName: "revenue", channels: channels.map(\.name),
                              geos: names, population: population, target: target, spend: spend)
        return HierarchicalGeoHistory(dataset: dataset, contributions: contributions, deviations: deviations)
    }
}
