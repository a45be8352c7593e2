import Foundation
import MediaModel
import Sampling

/// A simulated weekly media-mix history drawn from a varied, seeded truth, for judging decisions
/// (the decision study): the curve family, carryover (normalized or not, memory up to 12 weeks),
/// how correlated and how seasonal spend is, on/off flighting, noise, trend, the number of
/// channels and years, and whether lift tests exist, all vary from world to world.
///
/// Unlike `SimulationTruth` (one hand-set history), a world states its channels' true ROAS and
/// derives each channel's ceiling from it, so worlds span the ROAS range a marketer meets.
public struct SimulatedWorld: Sendable {
    public struct Channel: Sendable {
        public var name: String
        /// Typical weekly spend (currency).
        public var weeklySpend: Double
        /// Target units a fully saturated week adds (the curve's ceiling).
        public var effect: Double
        /// Unnormalized carry weights w̃ₗ, `[maxLag]`: with `normalizedCarryover` divided by their
        /// sum, else applied as they are (a constant spend x then adstocks to x·Σw̃).
        public var carryWeights: [Double]
        /// The saturation family's parameters (κ or λ in units of the channel's largest weekly spend, then the Hill slope).
        public var saturationParameters: [Double]
        /// Spend only in on-weeks of bursts (TV-like flighting).
        public var flighted: Bool
    }

    public var index: Int
    public var seed: UInt64
    public var periods: Int
    public var saturation: SaturationKind
    public var adstock: AdstockKind
    public var normalizedCarryover: Bool
    /// Correlation of the channels' log spend (0…0.95).
    public var spendCorrelation: Double
    /// Whether spend follows the same yearly season as the target.
    public var seasonalSpend: Bool
    /// Noise sd as a share of the mean target (0.01…0.05).
    public var noiseShare: Double
    /// Baseline change from the first to the last period, as a share of the baseline.
    public var trendShare: Double
    public var hasLiftTests: Bool
    public var channels: [Channel]
    /// Baseline level (target units per week).
    public var intercept: Double
    public var seasonalAmplitude: Double
    /// The true ROAS each channel was drawn with (over the history; recomputed exactly in `history`).
    public var drawnROAS: [Double]

    var weightTotalDivisor: [Double] {
        channels.map { normalizedCarryover ? $0.carryWeights.reduce(0, +) : 1 }
    }

    /// The effective weights applied to scaled spend, `[channels][maxLag]`.
    public var appliedWeights: [[Double]] {
        zip(channels, weightTotalDivisor).map { ch, total in ch.carryWeights.map { $0 / total } }
    }
}

/// A world's history and what generated it.
public struct WorldHistory: Sendable {
    public var dataset: Dataset
    /// True contribution per channel and period, `[channels][periods]`.
    public var contributions: [[Double]]
    /// Lift tests as an experiment would report them (empty when the world has none).
    public var liftTests: [LiftTest]
    /// Each channel's largest weekly spend: the saturation reads spend in these units.
    public var spendScale: [Double]

    /// True ROAS of each channel over the history, `[channels]`.
    public var roas: [Double] {
        zip(contributions, dataset.totalSpend).map { $0.reduce(0, +) / $1 }
    }
}

/// Fixes some of a simulated world's traits, the rest drawn as usual: seasonal spend correlated
/// with sales, or a long history with little correlation, studied apart from the varied mix.
public struct WorldPreset: Sendable, Equatable {
    public var name: String
    public var channelCount: Int?
    public var years: Int?
    /// Correlation of the channels' log spend, drawn uniformly from this range.
    public var correlation: ClosedRange<Double>?
    public var seasonalSpend: Bool?
    /// Noise sd as a share of the mean target.
    public var noiseShare: Double?
    public var hasLiftTests: Bool?

    public init(name: String, channelCount: Int? = nil, years: Int? = nil, correlation: ClosedRange<Double>? = nil,
                seasonalSpend: Bool? = nil, noiseShare: Double? = nil, hasLiftTests: Bool? = nil) {
        self.name = name; self.channelCount = channelCount; self.years = years; self.correlation = correlation
        self.seasonalSpend = seasonalSpend; self.noiseShare = noiseShare; self.hasLiftTests = hasLiftTests
    }

    /// The correlated kind: five channels, spend as seasonal as sales, channels correlated
    /// 0.5–0.85, 3% noise, no lift tests.
    public static let correlated = WorldPreset(name: "correlated", channelCount: 5, correlation: 0.5...0.85, seasonalSpend: true,
                                               noiseShare: 0.03, hasLiftTests: false)
    /// Its most informative kind: the same over four years, channels nearly independent (0–0.1), 1.5% noise.
    public static let informative = WorldPreset(name: "informative", channelCount: 5, years: 4, correlation: 0...0.1, seasonalSpend: true,
                                                noiseShare: 0.015, hasLiftTests: false)
    public static let all: [WorldPreset] = [.correlated, .informative]
}

extension SimulatedWorld {
    /// The `index`-th world of a study seeded by `seed`: each world's truth is drawn from its own
    /// stream. A preset fixes some traits; without one the draws are those of every earlier study.
    public static func draw(index: Int, seed: UInt64, preset: WorldPreset? = nil) -> SimulatedWorld {
        var rng = SeededGenerator(seed: seed, stream: 5000 + UInt64(index))
        func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * rng.uniform() }
        func pick<T>(_ xs: [T]) -> T { xs[min(Int(rng.uniform() * Double(xs.count)), xs.count - 1)] }

        let channelCount = preset?.channelCount ?? 2 + Int(rng.uniform() * 7)            // 2…8
        let years = preset?.years ?? 2 + Int(rng.uniform() * 3)                   // 2…4
        let saturation = pick([SaturationKind.hill, .logistic, .michaelisMenten])
        let adstock = pick([AdstockKind.geometric, .delayed])
        let normalized = rng.uniform() < 0.5
        // Half the worlds nearly independent, half correlated up to 0.95.
        let correlation = rng.uniform() < 0.4 ? uniform(0, 0.3) : uniform(0.3, 0.95)
        let seasonalSpend = rng.uniform() < 0.6
        let noise = uniform(0.01, 0.05)
        let trend = rng.uniform() < 0.6 ? uniform(-0.15, 0.25) : 0
        let lift = rng.uniform() < 0.4
        let names = ["tv", "search", "social", "video", "display", "radio", "print", "affiliate"]
        let maxLag = 12
        var channels: [Channel] = []
        var roas: [Double] = []
        for c in 0..<channelCount {
            let weekly = (exp(uniform(log(10_000), log(250_000))) / 100).rounded() * 100
            // Memory: geometric α up to 0.8 (0.8¹² ≈ 7% after 12 weeks); delayed peaks up to 4 weeks late.
            let alpha = uniform(0.05, 0.8)
            let peak = adstock == .delayed ? uniform(0, 4) : 0
            let weights = adstock.family.rawWeights(adstock == .delayed ? [alpha, peak] : [alpha], maxLag: maxLag)
            // Curve shapes whose bend lies inside the spend range seen (in units of the largest
            // weekly spend, which is about 2–3 typical weeks); unnormalized carryover moves the
            // bend with the carry's sum, so κ and λ are stated on the adstocked scale.
            let carrySum = normalized ? 1 : weights.reduce(0, +)
            let parameters: [Double]
            switch saturation {
            case .hill: parameters = [uniform(0.25, 0.9) * carrySum, exp(uniform(log(0.7), log(2.5)))]
            case .logistic: parameters = [uniform(1, 5) / carrySum]
            default: parameters = [uniform(0.2, 1.2) * carrySum]
            }
            channels.append(Channel(name: names[c], weeklySpend: weekly, effect: 1, carryWeights: weights,
                                    saturationParameters: parameters, flighted: c == 0 && rng.uniform() < 0.5))
            roas.append(exp(uniform(log(0.4), log(5))))
        }
        // Drawn last, so that a world without a preset keeps every earlier study's draws.
        let presetCorrelation = preset?.correlation.map { uniform($0.lowerBound, $0.upperBound) }
        return SimulatedWorld(
            index: index, seed: seed &+ UInt64(index) &* 7919, periods: years * 52, saturation: saturation, adstock: adstock,
            normalizedCarryover: normalized, spendCorrelation: presetCorrelation ?? correlation,
            seasonalSpend: preset?.seasonalSpend ?? seasonalSpend, noiseShare: preset?.noiseShare ?? noise,
            trendShare: trend, hasLiftTests: preset?.hasLiftTests ?? lift, channels: channels, intercept: 0, seasonalAmplitude: 0,
            drawnROAS: roas)
    }

    /// One line naming the world's truth (for the study's per-world table).
    public var label: String {
        String(format: "%@/%@%@ C%d Y%d ρ%.2f%@%@ noise %.1f%%%@%@", saturation.rawValue, adstock.rawValue,
               normalizedCarryover ? "" : "(raw)", channels.count, periods / 52, spendCorrelation,
               seasonalSpend ? " seas" : "", channels.contains(where: \.flighted) ? " flight" : "",
               100 * noiseShare, trendShare != 0 ? " trend" : "", hasLiftTests ? " lift" : "")
    }

    /// Draws spend, the target and (when the world has them) two lift tests, seeded. Returns the
    /// world completed with what the history fixed (each channel's ceiling, the baseline).
    public func simulate() -> (world: SimulatedWorld, history: WorldHistory) {
        var world = self
        var rng = SeededGenerator(seed: seed, stream: 97)
        let T = periods, C = channels.count
        // Log spend per channel: √ρ·common + √(1−ρ)·own, both AR(1) of unit variance, so any two
        // channels' log spends correlate about ρ; a seasonal common driver follows the target's season.
        func ar1() -> [Double] {
            var x = rng.normal(), out: [Double] = []
            for _ in 0..<T { x = 0.8 * x + 0.6 * rng.normal(); out.append(x) }
            return out
        }
        let season = (0..<T).map { sin(2 * Double.pi * Double($0) / 52.18) }
        let common = zip(ar1(), season).map { seasonalSpend ? 0.6 * $0 + 1.1 * $1 : $0 }
        var spend: [[Double]] = []
        for ch in channels {
            let own = ar1()
            var onWeeks = [Bool](repeating: true, count: T)
            if ch.flighted {
                var t = Int(rng.uniform() * 4), on = true
                while t < T {
                    let length = on ? 4 + Int(rng.uniform() * 5) : 2 + Int(rng.uniform() * 5)
                    for s in t..<min(t + length, T) { onWeeks[s] = on }
                    t += length; on.toggle()
                }
            }
            spend.append((0..<T).map { t in
                guard onWeeks[t] else { return 0 }
                let z = spendCorrelation.squareRoot() * common[t] + (1 - spendCorrelation).squareRoot() * own[t]
                return (ch.weeklySpend * exp(0.35 * z) / 100).rounded() * 100
            })
        }
        let scale = spend.map { max($0.max() ?? 1, 1) }
        // Saturated shapes first, then each ceiling set so the channel earns its drawn ROAS.
        var contributions: [[Double]] = []
        for c in 0..<C {
            let shape = saturation.family.values(at: adstocked(spend[c].map { $0 / scale[c] }, weights: appliedWeights[c]),
                                                 parameters: channels[c].saturationParameters)
            let total = shape.reduce(0, +)
            let effect = total > 0 ? drawnROAS[c] * spend[c].reduce(0, +) / total : 0
            world.channels[c].effect = effect
            contributions.append(shape.map { effect * $0 })
        }
        // The baseline: media explain 10–40% of the target on average.
        let mediaPerWeek = contributions.map { $0.reduce(0, +) }.reduce(0, +) / Double(T)
        let mediaShare = 0.1 + 0.3 * rng.uniform()
        let intercept = mediaPerWeek * (1 - mediaShare) / mediaShare
        world.intercept = intercept
        world.seasonalAmplitude = 0.12 * intercept
        let noiseSD = noiseShare * (intercept + mediaPerWeek)
        let target = (0..<T).map { t -> Double in
            var y = intercept * (1 + trendShare * Double(t) / Double(max(T - 1, 1)))
            y += world.seasonalAmplitude * season[t]
            for c in 0..<C { y += contributions[c][t] }
            return ((y + noiseSD * rng.normal()) * 100).rounded() / 100
        }
        let dataset = Dataset(dates: isoWeeks(from: "2022-01-03", count: T), targetName: "revenue", target: target,
                              channels: channels.map(\.name), spend: spend, controlNames: [], controls: [])
        var history = WorldHistory(dataset: dataset, contributions: contributions, liftTests: [], spendScale: scale)
        if hasLiftTests {
            // The two largest channels tested at their typical spend raised 30%, 10% standard error.
            let tested = channels.indices.sorted { channels[$0].weeklySpend > channels[$1].weeklySpend }.prefix(2)
            history.liftTests = tested.map { c in
                let x = channels[c].weeklySpend, dx = (0.3 * x).rounded()
                let truth = world.steadyLift(channel: c, spend: x, change: dx, scale: scale[c])
                let se = max((0.1 * abs(truth)).rounded(), 1)
                return LiftTest(channel: channels[c].name, spend: x, change: dx, lift: (truth + se * rng.normal()).rounded(), standardError: se)
            }
        }
        return (world, history)
    }

    /// The weekly target change when a channel's constant weekly spend moves from `spend` to
    /// `spend + change` (steady state: a constant spend x adstocks to x·Σw).
    public func steadyLift(channel c: Int, spend: Double, change: Double, scale: Double) -> Double {
        let carry = appliedWeights[c].reduce(0, +)
        let s = saturation.family.values(at: [carry * spend / scale, carry * (spend + change) / scale],
                                         parameters: channels[c].saturationParameters)
        return channels[c].effect * (s[1] - s[0])
    }

    /// The true response of each channel to a flat flight over `horizon` periods (revenue over
    /// the horizon and the carryover tail), as one-draw curves the optimizer can plan on.
    public func trueResponses(horizon: Int, history: WorldHistory) -> [ResponseCurve] {
        channels.indices.map { c in
            ResponseCurve(channel: channels[c].name, saturation: saturation, horizon: horizon, spendScale: history.spendScale[c],
                          adstockWeights: [appliedWeights[c]], beta: [channels[c].effect],
                          parameters: [channels[c].saturationParameters])
        }
    }

    func adstocked(_ x: [Double], weights: [Double]) -> [Double] {
        x.indices.map { t in
            var a = 0.0
            for l in 0..<min(weights.count, t + 1) { a += weights[l] * x[t - l] }
            return a
        }
    }
}
