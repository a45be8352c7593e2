import Foundation
import MediaModel
import Sampling

/// The per-period and per-channel numbers behind the fit's charts, computed from the posterior's
/// public values only (so the model can change inside without the report knowing).
///
/// Two things are recomputed here that the model does not expose yet: each control's
/// contribution (γ_j · control / max|control|, in the model's scaled units) and the adstock
/// weights per draw (geometric αˡ or delayed α^((l−θ)²), normalized). If the model's definitions
/// change, these change with them; `Decomposition` carrying `controls` and `baseline` series and
/// `Posterior` offering `adstockWeights(channel:)` would remove both copies.
struct FitFigures {
    /// Per period: the observed target, the posterior-mean fit, and the predictive band.
    var actual: [Double]
    var fittedMean: [Double]
    var predictiveLower: [Double]
    var predictiveUpper: [Double]
    /// Posterior-mean contributions per period: baseline (intercept, trend, seasonality, and the
    /// controls at their averages), all controls' deviations from their averages together, and
    /// each channel, `[channels][periods]`.
    var baseline: [Double]
    var controls: [Double]
    var channels: [[Double]]
    /// Adstock weight per lag, `[channels][lags]`: mean and band; nil for a channel whose decay
    /// parameter the model does not name `adstock_alpha.k`.
    var adstock: [(mean: [Double], lower: [Double], upper: [Double])?]

    init(_ posterior: Posterior, seed: UInt64, interval: Double) {
        let model = posterior.model, data = model.data
        let T = data.periods, C = data.channels.count
        let D = Double(max(posterior.drawCount, 1))
        actual = data.target

        // Replicated data from the same seeded stream as `predictiveCheck`, so the band drawn is
        // the band the fit check counts weeks in.
        var rng = SeededGenerator(seed: seed, stream: 7_777)
        var replicated = [[Double]](repeating: [], count: T)
        var fitted = [Double](repeating: 0, count: T)
        for d in posterior.draws {
            for t in 0..<T {
                fitted[t] += d.fitted[t] / D
                let noise: Double
                switch model.specification.likelihood {
                case .normal: noise = d.sigma * rng.normal()
                case .studentT(let nu): noise = d.sigma * Self.studentT(nu, &rng)
                }
                replicated[t].append(d.fitted[t] + noise)
            }
        }
        fittedMean = fitted
        let bands = replicated.map { Band($0, interval: interval) }
        predictiveLower = bands.map(\.lower)
        predictiveUpper = bands.map(\.upper)

        let channelMeans = (0..<C).map { c in
            var mean = [Double](repeating: 0, count: T)
            for d in posterior.draws { for t in 0..<T { mean[t] += d.contributions[c][t] / D } }
            return mean
        }
        channels = channelMeans
        let names = model.parameters.map(\.name)
        func values(_ name: String) -> [Double]? {
            guard let i = names.firstIndex(of: name) else { return nil }
            let support = model.parameters[i].support
            return posterior.unconstrainedDraws.map { support.constrain($0[i]) }
        }
        var controlSum = [Double](repeating: 0, count: T)
        for (j, series) in data.controls.enumerated() {
            guard let gamma = values("gamma.\(j + 1)") else { continue }
            let meanGamma = gamma.reduce(0, +) / D
            let scale = series.reduce(0) { max($0, abs($1)) }
            let z = scale > 0 ? scale : 1
            // Around the control's own average: its level is part of the baseline, and what is
            // shown is how much it moved each period up or down (a holiday, a price change).
            let average = series.reduce(0, +) / Double(max(T, 1))
            for t in 0..<T { controlSum[t] += meanGamma * (series[t] - average) / z * model.scales.target }
        }
        controls = controlSum
        baseline = (0..<T).map { t in fitted[t] - controlSum[t] - channelMeans.reduce(0) { $0 + $1[t] } }

        adstock = (0..<C).map { c in
            let weights = posterior.adstockWeights(channel: c)
            guard let lags = weights.first?.count, lags > 0 else { return nil }
            let b = (0..<lags).map { l in Band(weights.map { $0[l] }, interval: interval) }
            return (b.map(\.mean), b.map(\.lower), b.map(\.upper))
        }
    }

    /// The same Student-t draw as the predictive check's (normal over √(χ²/ν), Wilson–Hilferty χ²).
    private static func studentT(_ nu: Double, _ rng: inout SeededGenerator) -> Double {
        let z = rng.normal()
        let k = 2.0 / (9.0 * nu)
        let c = nu * pow(max(1 - k + rng.normal() * k.squareRoot(), 1e-6), 3)
        return z / (c / nu).squareRoot()
    }
}

/// A channel's steady-state weekly response: what a constant weekly spend earns each week once
/// the carryover has built up (with normalized adstock a constant spend adstocks to itself),
/// mean and band across draws, on a grid from zero to past the largest spend of interest.
struct ResponseFigure {
    var spend: [Double]
    var mean: [Double]
    var lower: [Double]
    var upper: [Double]
    /// The smallest non-zero and the largest weekly spend in the data.
    var observed: (min: Double, max: Double)
    /// Mean weekly spend over the last `horizon` periods of the data.
    var recent: Double

    init(_ posterior: Posterior, channel c: Int, horizon: Int, planned: Double?, interval: Double, points: Int = 41) {
        let series = posterior.model.data.spend[c]
        let positive = series.filter { $0 > 0 }
        observed = (positive.min() ?? 0, series.max() ?? 0)
        let last = series.suffix(horizon)
        recent = last.reduce(0, +) / Double(max(last.count, 1))
        let top = max(observed.max * 1.25, (planned ?? 0) * 1.15, recent * 1.25, 1)
        spend = (0..<points).map { top * Double($0) / Double(points - 1) }
        var m: [Double] = [], lo: [Double] = [], hi: [Double] = []
        for x in spend {
            let b = Band(posterior.lift(channel: c, spend: 0, change: x), interval: interval)
            m.append(b.mean); lo.append(b.lower); hi.append(b.upper)
        }
        mean = m; lower = lo; upper = hi
    }
}
