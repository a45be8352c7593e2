import Foundation
import Sampling

/// A channel's contribution and ROAS over the data period, with a central band.
public struct ChannelSummary: Sendable {
    public var channel: String
    /// Total spend over the data period.
    public var spend: Double
    public var contribution: Band
    public var roas: Band
    /// How much the data narrowed the channel's ROAS prior: 1 − var(log ROAS | data) / var(log
    /// ROAS) under the prior (posterior contraction; 0: the posterior is the prior, 1: the data
    /// pinned it). Nil when the channel's prior is not on its ROAS (a `beta` prior).
    public var priorNarrowed: Double?
}

/// 1 − var(log x) / σ² for positive draws `x` of a quantity whose prior is log-normal with log-sd
/// σ, and 0 when the draws are wider than the prior: the ROAS prior is set on the ROAS, but the
/// ROAS over the history also moves with the curve-shape parameters, so its implied prior can be
/// wider than σ and a posterior that learned nothing can read below 0 (a short fit's draws add
/// their own noise). Wider than σ means "not narrowed", never "the data widened it".
public func posteriorContraction(_ draws: [Double], priorLogSD sigma: Double) -> Double? {
    guard draws.count > 1, sigma > 0 else { return nil }
    let logs = draws.map { log(max($0, .leastNormalMagnitude)) }
    let mean = logs.reduce(0, +) / Double(logs.count)
    let variance = logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logs.count - 1)
    return max(1 - variance / (sigma * sigma), 0)
}

/// Mean and central interval of a quantity across draws.
public struct Band: Sendable, Equatable {
    public var mean: Double
    public var lower: Double
    public var upper: Double

    /// - Parameter interval: width of the central interval (0.90 gives p05 and p95).
    public init(_ values: [Double], interval: Double = 0.90) {
        let sorted = values.sorted()
        mean = values.reduce(0, +) / Double(max(values.count, 1))
        lower = Diagnostics.quantile(sorted: sorted, (1 - interval) / 2)
        upper = Diagnostics.quantile(sorted: sorted, (1 + interval) / 2)
    }

    public func contains(_ x: Double) -> Bool { lower <= x && x <= upper }
}

/// How well replicated data from the posterior resemble the observed target.
public struct PredictiveCheck: Sendable {
    /// 1 − SSE/SST of the posterior-mean fit.
    public var rSquared: Double
    /// Mean absolute percentage error of the posterior-mean fit (a fraction; NaN when y has zeros).
    public var mape: Double
    /// P(SSE of replicated data ≥ SSE of the data) across draws; near 0 or 1 signals misfit.
    public var bayesianPValue: Double
    /// Periods whose observed target lies inside the central predictive band.
    public var covered: Int
    public var periods: Int
    public var interval: Double
}

extension Posterior {
    /// Each channel's contribution and ROAS over the data period, `[channels]`; on a posterior
    /// that carries a stack, over the stack's draws (the curves plans use).
    public func channelSummaries(interval: Double = 0.90) -> [ChannelSummary] {
        model.data.channels.enumerated().map { c, name in
            // One pass over the draws: the ROAS is the contribution over the spend (`roas(channel:)`).
            let spend = model.data.totalSpend[c]
            let contributions = stack?.mixed { $0.totalContribution(channel: c) } ?? totalContribution(channel: c)
            let roasDraws = contributions.map { $0 / spend }
            var narrowed: Double? = nil
            if case .logNormal(_, let sigma)? = model.roasPrior(channel: c) {
                narrowed = posteriorContraction(roasDraws, priorLogSD: sigma)
            }
            return ChannelSummary(channel: name, spend: spend, contribution: Band(contributions, interval: interval),
                                  roas: Band(roasDraws, interval: interval), priorNarrowed: narrowed)
        }
    }

    /// Posterior predictive check with replicated data drawn from a seeded stream.
    public func predictiveCheck(interval: Double = 0.90, seed: UInt64) -> PredictiveCheck {
        let y = model.data.target
        let T = y.count
        var rng = SeededGenerator(seed: seed, stream: 7_777)
        var fittedMean = [Double](repeating: 0, count: T)
        var replicated = [[Double]](repeating: [], count: T)
        var exceed = 0
        for d in draws {
            var sseObserved = 0.0, sseReplicated = 0.0
            for t in 0..<T {
                fittedMean[t] += d.fitted[t] / Double(draws.count)
                let noise: Double
                switch model.specification.likelihood {
                case .normal: noise = d.sigma * rng.normal()
                case .studentT(let nu): noise = d.sigma * studentT(nu, &rng)
                }
                let rep = d.fitted[t] + noise
                replicated[t].append(rep)
                sseObserved += (y[t] - d.fitted[t]) * (y[t] - d.fitted[t])
                sseReplicated += noise * noise
            }
            if sseReplicated >= sseObserved { exceed += 1 }
        }
        let meanY = y.reduce(0, +) / Double(T)
        let sse = zip(y, fittedMean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let sst = y.reduce(0) { $0 + ($1 - meanY) * ($1 - meanY) }
        let mape = y.contains(0) ? .nan : zip(y, fittedMean).reduce(0) { $0 + abs(($1.0 - $1.1) / $1.0) } / Double(T)
        var covered = 0
        for t in 0..<T where Band(replicated[t], interval: interval).contains(y[t]) { covered += 1 }
        return PredictiveCheck(rSquared: 1 - sse / sst, mape: mape, bayesianPValue: Double(exceed) / Double(draws.count),
                               covered: covered, periods: T, interval: interval)
    }

    /// Every reported quantity per draw, in the order of the draws file: the sampled parameters
    /// on their natural scale (the model's internal units), then derived quantities in the data's
    /// units — `intercept`, `beta.c` (a saturated week's effect) and `contribution.c` (total over
    /// the data period). `[quantities]`, each `[draws]`.
    public func quantities() -> [(name: String, values: [Double])] {
        var out: [(String, [Double])] = []
        for (i, p) in model.parameters.enumerated() {
            out.append((p.name, unconstrainedDraws.map { p.support.constrain($0[i]) }))
        }
        out.append(("intercept", draws.map(\.intercept)))
        for c in model.data.channels.indices {
            out.append(("beta.\(c + 1)", draws.map { $0.beta[c] }))
        }
        for c in model.data.channels.indices {
            out.append(("contribution.\(c + 1)", totalContribution(channel: c)))
        }
        return out
    }
}

/// A Student-t draw: normal over √(χ²/ν), χ² from a sum of squared normals for whole ν and a
/// Wilson–Hilferty cube otherwise (replicated data only need its spread right).
private func studentT(_ nu: Double, _ rng: inout SeededGenerator) -> Double {
    let z = rng.normal()
    let k = 2.0 / (9.0 * nu)
    let c = nu * pow(max(1 - k + rng.normal() * k.squareRoot(), 1e-6), 3)
    return z / (c / nu).squareRoot()
}
