import Foundation
import Sampling

/// One (geo, channel) pair's contribution and ROAS over the data period.
public struct GeoChannelSummary: Sendable {
    public var geo: String
    public var channel: String
    /// Total spend of the pair over the data period (currency).
    public var spend: Double
    public var contribution: Band
    public var roas: Band
}

/// How well one geo's fitted mean follows its own target.
public struct GeoFitCheck: Sendable {
    public var geo: String
    /// 1 − SSE/SST of the posterior-mean fit of this geo.
    public var rSquared: Double
    /// Mean absolute percentage error (a fraction; NaN when the geo's target has zeros).
    public var mape: Double
    /// Periods whose observed target lies inside the central predictive band.
    public var covered: Int
    public var periods: Int
}

extension Posterior {
    /// Every (geo, channel) pair with spend, `[rows]` in `model.rows` order.
    public func geoSummaries(interval: Double = 0.90) -> [GeoChannelSummary] {
        let data = model.data
        return model.rows.enumerated().map { r, row in
            let spend = data.totalSpend(geo: row.geo)[row.channel]
            let contribution = draws.map { $0.rowContributions[r] }
            return GeoChannelSummary(geo: data.geos[row.geo], channel: data.channels[row.channel], spend: spend,
                                     contribution: Band(contribution, interval: interval),
                                     roas: Band(contribution.map { $0 / spend }, interval: interval))
        }
    }

    /// ROAS of row r (`model.rows`) per draw, `[draws]`.
    public func rowROAS(_ r: Int) -> [Double] {
        let row = model.rows[r]
        let spend = model.data.totalSpend(geo: row.geo)[row.channel]
        return draws.map { $0.rowContributions[r] / spend }
    }

    /// The predictive check of every geo (one forward pass per draw, replicated noise from a
    /// seeded stream), `[geos]`.
    public func geoFitChecks(interval: Double = 0.90, seed: UInt64) -> [GeoFitCheck] {
        let data = model.data, G = model.geoCount, T = data.periods
        var rng = SeededGenerator(seed: seed, stream: 7_778)
        var fitted = [Double](repeating: 0, count: G * T)
        var replicated = [[Double]](repeating: [], count: G * T)
        let w = model.makeWorkspace()
        let scale = model.scales.target
        for theta in unconstrainedDraws {
            model.run(theta, in: w)
            let mean = w.value(model.nodes.mean)
            for g in 0..<G {
                let k = scale * model.geoShare[g], sigma = w.read(model.nodes.sigma, g) * k
                for t in 0..<T {
                    let m = mean[g * T + t] * k
                    fitted[g * T + t] += m / Double(drawCount)
                    let noise: Double
                    switch model.specification.likelihood {
                    case .normal: noise = sigma * rng.normal()
                    case .studentT(let nu):
                        // Replicated spread only: a normal over a Wilson–Hilferty χ² draw.
                        let z = rng.normal(), c = 2.0 / (9.0 * nu)
                        noise = sigma * z / pow(max(1 - c + rng.normal() * c.squareRoot(), 1e-6), 1.5)
                    }
                    replicated[g * T + t].append(m + noise)
                }
            }
        }
        return (0..<G).map { g in
            let y = data.target(geo: g), f = Array(fitted[(g * T)..<((g + 1) * T)])
            let meanY = y.reduce(0, +) / Double(T)
            let sse = zip(y, f).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            let sst = y.reduce(0) { $0 + ($1 - meanY) * ($1 - meanY) }
            let mape = y.contains(0) ? .nan : zip(y, f).reduce(0) { $0 + abs(($1.0 - $1.1) / $1.0) } / Double(T)
            let covered = (0..<T).filter { Band(replicated[g * T + $0], interval: interval).contains(y[$0]) }.count
            return GeoFitCheck(geo: data.geos[g], rSquared: 1 - sse / sst, mape: mape, covered: covered, periods: T)
        }
    }
}
