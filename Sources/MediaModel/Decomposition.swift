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

    /// The same, in a workspace of the caller's (one per thread) so many draws share it.
    func decompose(_ theta: [Double], in w: Workspace) -> Decomposition {
        run(theta, in: w)
        let T = periods, C = data.channels.count
        let contributions = w.value(nodes.contributions)
        return Decomposition(
            fitted: w.read(nodes.mean).map { $0 * yScale },
            contributions: (0..<C).map { c in (0..<T).map { contributions[c * T + $0] * yScale } },
            sigma: w.read(nodes.sigma, 0) * yScale,
            beta: w.read(nodes.beta).map { $0 * yScale },
            intercept: w.read(nodes.intercept, 0) * yScale)
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
            applyCarryover(x.baseAddress!, count: scaled.count, weights: w.value(nodes.adstockWeights) + c * L, maxLag: L,
                           total: w.read(nodes.adstockTotals, c), into: &adstocked)
        }
        return specification.saturation.family.values(at: adstocked, parameters: nodes.saturationParameters.map { w.read($0, c) })
    }

    /// How the model scales the data: target and per-channel spend divisors.
    public var scales: (target: Double, spend: [Double]) { (yScale, xScale) }
}
