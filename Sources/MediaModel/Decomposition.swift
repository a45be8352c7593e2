import Autodiff
import Foundation

/// One posterior draw turned back into the data's units.
public struct Decomposition: Sendable {
    /// Fitted mean of the target, `[periods]`.
    public var fitted: [Double]
    /// Each channel's contribution to the target, `[channels][periods]`.
    public var contributions: [[Double]]
    /// Noise scale in target units.
    public var sigma: Double
    /// Each channel's effect coefficient β in target units (the value of a saturated week).
    public var beta: [Double]
    /// The intercept in target units (baseline at the centre of the period, controls at zero).
    public var intercept: Double
    /// Each model row's contribution over the whole history in target units, `[rows]` (rows:
    /// `MediaMixModel.rows`, one per channel for national data, one per (geo, channel) pair for
    /// geo data).
    public var rowContributions: [Double] = []
    /// Each row's β in target units, `[rows]`: the value of a saturated week in that geo.
    public var rowBeta: [Double] = []
}

extension MediaMixModel {
    /// The constrained values of an unconstrained point, `[dimension]` (what `draws.csv` holds).
    public func constrained(_ theta: [Double]) -> [Double] {
        zip(parameters, theta).map { $0.support.constrain($1) }
    }

    /// The unconstrained point of constrained values, `[dimension]`.
    public func unconstrained(_ values: [Double]) -> [Double] {
        zip(parameters, values).map { $0.support.unconstrain($1) }
    }

    /// Fitted mean and channel contributions of one draw, in the data's units.
    public func decompose(unconstrained theta: [Double]) -> Decomposition {
        decompose(theta, in: makeWorkspace())
    }

    /// The same, in a workspace of the caller's (one per thread) so many draws share it. Geo
    /// models' per-size values are carried back to target units with each geo's share, and
    /// summed into national series; a national `sigma` is then the sd of the summed noise.
    func decompose(_ theta: [Double], in w: Workspace) -> Decomposition {
        run(theta, in: w)
        let T = periods, C = data.channels.count, G = geoCount
        let contributions = w.value(nodes.contributions), mean = w.value(nodes.mean)
        var fitted = [Double](repeating: 0, count: T)
        var national = [[Double]](repeating: [Double](repeating: 0, count: T), count: C)
        var rowTotals = [Double](repeating: 0, count: rows.count), rowBeta = rowTotals
        let beta = w.value(nodes.beta)
        for g in 0..<G {
            let k = yScale * geoShare[g]
            for t in 0..<T { fitted[t] += mean[g * T + t] * k }
        }
        for (r, row) in rows.enumerated() {
            let k = yScale * geoShare[row.geo]
            var total = 0.0
            for t in 0..<T {
                let v = contributions[r * T + t] * k
                national[row.channel][t] += v
                total += v
            }
            rowTotals[r] = total
            rowBeta[r] = beta[r] * k
        }
        let sigma: Double, intercept: Double
        if G == 1 {
            sigma = w.read(nodes.sigma, 0) * yScale
            intercept = w.read(nodes.intercept, 0) * yScale
        } else {
            sigma = (0..<G).reduce(0.0) { s, g in let v = w.read(nodes.sigma, g) * yScale * geoShare[g]; return s + v * v }.squareRoot()
            intercept = (0..<G).reduce(0.0) { $0 + w.read(nodes.intercept, $1) * yScale * geoShare[$1] }
        }
        return Decomposition(
            fitted: fitted, contributions: national, sigma: sigma,
            beta: w.read(nodes.channelBeta).map { $0 * yScale }, intercept: intercept,
            rowContributions: rowTotals, rowBeta: rowBeta)
    }

    /// Each observation's log-likelihood at one draw (normalized, in the target's scaled units,
    /// which shifts every value by the same log yScale), `[periods]`.
    public func pointwiseLogLikelihood(unconstrained theta: [Double]) -> [Double] {
        let w = makeWorkspace()
        run(theta, in: w)
        return w.read(nodes.pointwiseLogLikelihood)
    }

    /// The log posterior at one draw as the sampler saw it (constants dropped).
    public func logPosterior(unconstrained theta: [Double]) -> Double {
        let w = makeWorkspace()
        run(theta, in: w)
        return w.read(nodes.logPosterior, 0)
    }

    /// saturation(adstock(x)) of one channel for a spend series already divided by the channel's
    /// scale, with no carryover from before the series, through the model's own families.
    func saturatedSpend(channel c: Int, theta: [Double], spend scaled: [Double]) -> [Double] {
        let w = makeWorkspace()
        run(theta, in: w)
        let L = specification.maxLag
        var adstocked = [Double](repeating: 0, count: scaled.count)
        scaled.withUnsafeBufferPointer { x in
            let r = channelRows[c]
            applyCarryover(x.baseAddress!, count: scaled.count, weights: w.value(nodes.adstockWeights) + r * L, maxLag: L,
                           total: w.read(nodes.adstockTotals, r), into: &adstocked)
        }
        return specification.saturation.family.values(at: adstocked, parameters: nodes.saturationParameters.map { w.read($0, c) })
    }

    /// How the model scales the data: target and per-channel spend divisors.
    public var scales: (target: Double, spend: [Double]) { (yScale, xScale) }
}
