import Foundation

/// Pareto-smoothed importance sampling (Vehtari, Simpson, Gelman, Yao & Gabry 2024): the largest
/// importance ratios are replaced by the expected order statistics of a generalized Pareto
/// distribution fitted to them, and the fitted shape k̂ says how far the estimate can be trusted.
public enum ParetoSmoothing {
    /// Smoothed, normalized log weights of one set of log importance ratios, and k̂.
    ///
    /// - Parameters:
    ///   - logRatios: log importance ratios, `[draws]` (for leave-one-out: −log p(yᵢ | θ_s)).
    ///   - relativeEfficiency: the draws' effective share (ESS / draws); it sets the tail length
    ///     M = ⌊3·√(S/r)⌋ when S·r > 225, else ⌊S/5⌋ (as ArviZ and the loo package do).
    /// - Returns: log weights summing (after exp) to 1, `[draws]`, and k̂ (`.infinity` when the
    ///   tail cannot be fitted, or there are under 10 draws; then the weights are only normalized).
    public static func smooth(logRatios: [Double], relativeEfficiency: Double = 1) -> (logWeights: [Double], k: Double) {
        let S = logRatios.count
        // Too few draws for a tail of five: plain normalized ratios, and k̂ says not to trust them.
        guard S >= 10 else {
            let total = logSumExp(logRatios)
            return (logRatios.map { $0 - total }, .infinity)
        }
        let r = relativeEfficiency > 0 && relativeEfficiency.isFinite ? relativeEfficiency : 1
        let tail = Double(S) * r > 225 ? Int((3 * (Double(S) / r).squareRoot()).rounded(.down)) : S / 5
        let M = min(max(tail, 5), S - 1)
        let top = logRatios.max()!
        var x = logRatios.map { $0 - top }
        let order = x.indices.sorted { x[$0] < x[$1] }
        let tailIndices = Array(order[(S - M)...])
        let logCutoff = x[order[S - M - 1]]
        let maxTail = x[tailIndices.last!]
        let cutoff = exp(logCutoff)
        // Exceedances over the cutoff on the ratio scale, ascending.
        let exceedances = tailIndices.map { exp(x[$0]) - cutoff }
        var k = Double.infinity
        if maxTail - x[tailIndices[0]] >= Double.leastNormalMagnitude {
            let (shape, scale) = GeneralizedPareto.fit(sortedExceedances: exceedances)
            k = shape.isNaN ? .infinity : shape
            if shape.isFinite, scale > 0 {
                for (j, index) in tailIndices.enumerated() {
                    let p = (Double(j) + 0.5) / Double(M)
                    let smoothed = log(GeneralizedPareto.quantile(p, shape: shape, scale: scale, location: cutoff))
                    // No smoothed ratio above the largest raw one (truncation).
                    x[index] = min(smoothed, maxTail)
                }
            }
        }
        let total = logSumExp(x)
        return (x.map { $0 - total }, k)
    }

    /// The k̂ above which the smoothed estimate is unreliable for `draws` draws:
    /// min(1 − 1/log₁₀ S, 0.7) (Vehtari et al. 2024, §3).
    public static func threshold(draws: Int) -> Double {
        draws > 1 ? min(1 - 1 / log10(Double(draws)), 0.7) : 0.7
    }
}

/// The generalized Pareto distribution with location μ, scale σ > 0 and shape k.
enum GeneralizedPareto {
    /// The empirical-Bayes estimate of (k, σ) of Zhang & Stephens (2009), with the weakly
    /// informative Normal(0.5, ·) pull on k worth 10 observations (Vehtari et al. 2024,
    /// appendix C). `sortedExceedances` are ascending and positive-going from 0.
    /// Returns (nan, nan) when the lower quartile equals the minimum (no Pareto-like tail).
    static func fit(sortedExceedances x: [Double]) -> (shape: Double, scale: Double) {
        let n = x.count
        let priorB = 3.0, priorK = 10.0
        let m = 30 + Int(Double(n).squareRoot())
        let quartile = x[Int(Double(n) / 4 + 0.5) - 1]
        guard quartile > x[0] else { return (.nan, .nan) }
        // A grid of θ = −b values weighted by their profile likelihood.
        var b = (1...m).map { 1 - (Double(m) / (Double($0) - 0.5)).squareRoot() }
        b = b.map { $0 / (priorB * quartile) + 1 / x[n - 1] }
        let kOf = { (bj: Double) in x.reduce(0) { $0 + log1p(-bj * $1) } / Double(n) }
        let ks = b.map(kOf)
        let profile = zip(b, ks).map { bj, kj in Double(n) * (log(-bj / kj) - kj - 1) }
        let top = logSumExp(profile)
        var weights = profile.map { exp($0 - top) }
        var grid = b
        let kept = weights.indices.filter { weights[$0] >= 10 * Double.ulpOfOne }
        if kept.count < weights.count { weights = kept.map { weights[$0] }; grid = kept.map { grid[$0] } }
        let sum = weights.reduce(0, +)
        let bPost = zip(grid, weights).reduce(0) { $0 + $1.0 * $1.1 } / sum
        let kPost = kOf(bPost)
        let scale = -kPost / bPost
        let shape = (Double(n) * kPost + priorK * 0.5) / (Double(n) + priorK)
        return shape.isNaN ? (.infinity, .nan) : (shape, scale)
    }

    /// The p-quantile.
    static func quantile(_ p: Double, shape k: Double, scale sigma: Double, location mu: Double) -> Double {
        k == 0 ? mu - sigma * log1p(-p) : mu + sigma * expm1(-k * log1p(-p)) / k
    }
}

/// log Σ exp(xᵢ), stable.
func logSumExp(_ x: [Double]) -> Double {
    guard let top = x.max(), top.isFinite else { return x.max() ?? -.infinity }
    return top + log(x.reduce(0) { $0 + exp($1 - top) })
}
