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
        let T = periods, C = data.channels.count
        let intercept = theta.withUnsafeBufferPointer { derivedIntercept($0) }
        var mu = [Double](repeating: intercept, count: T)
        if let i = index.trend { for t in 0..<T { mu[t] += theta[i] * time[t] } }
        for (k, i) in index.season.enumerated() { for t in 0..<T { mu[t] += theta[i] * fourier[k * T + t] } }
        for (j, i) in index.controls.enumerated() { for t in 0..<T { mu[t] += theta[i] * z[j * T + t] } }
        var contributions: [[Double]] = []
        var betas: [Double] = []
        for c in 0..<C {
            let s = saturatedSpend(channel: c, theta: theta, spend: Array(x[(c * T)..<((c + 1) * T)]))
            let ch = index.channels[c]
            let total = s.reduce(0, +)
            let beta = total > 0 ? exp(theta[ch.effect]) * spendTotal[c] / (yScale * total) : 0
            for t in 0..<T { mu[t] += beta * s[t] }
            contributions.append(s.map { $0 * beta * yScale })
            betas.append(beta * yScale)
        }
        return Decomposition(fitted: mu.map { $0 * yScale }, contributions: contributions,
                             sigma: exp(theta[index.sigma]) * yScale, beta: betas, intercept: intercept * yScale)
    }

    /// saturation(adstock(x)) of one channel for a spend series already divided by the channel's
    /// scale, with no carryover from before the series.
    func saturatedSpend(channel c: Int, theta: [Double], spend scaled: [Double]) -> [Double] {
        let ch = index.channels[c]
        let alpha = Support.unitInterval.constrain(theta[ch.alpha])
        let peak = ch.peak.map { parameters[$0].support.constrain(theta[$0]) } ?? 0
        let w = AdstockWeights(kind: specification.adstock, alpha: alpha, peak: peak, maxLag: specification.maxLag)
        var adstocked = [Double](repeating: 0, count: scaled.count)
        scaled.withUnsafeBufferPointer { xs in
            adstocked.withUnsafeMutableBufferPointer { applyAdstock(xs.baseAddress!, count: scaled.count, weights: w, into: $0.baseAddress!) }
        }
        let first = exp(theta[ch.first]), second = ch.second.map { exp(theta[$0]) } ?? 0
        return adstocked.map { saturation(specification.saturation, $0, first: first, second: second).value }
    }

    /// How the model scales the data: target and per-channel spend divisors.
    public var scales: (target: Double, spend: [Double]) { (yScale, xScale) }
}
