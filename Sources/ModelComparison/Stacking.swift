import Foundation

/// Stacking of predictive distributions (Yao, Vehtari, Simpson & Gelman 2018): the weights on the
/// simplex that maximize Σᵢ log Σₖ wₖ·exp(elpd_loo,ik), the leave-one-out score of the mixture.
public enum Stacking {
    /// - Parameters:
    ///   - pointwise: elpd_loo,i per model, `[models][observations]`.
    ///   - tolerance: stop when no weight moves by more than this in an iteration (default 1e-10).
    /// - Returns: weights, `[models]`, summing to 1.
    ///
    /// The objective is concave in w; the fixed-point (EM) iteration wₖ ← wₖ·(1/n)Σᵢ pᵢₖ/Σⱼ wⱼpᵢⱼ
    /// raises it at every step and stays on the simplex, so no step size or projection is needed.
    public static func weights(pointwise: [[Double]], tolerance: Double = 1e-10, maxIterations: Int = 100_000) -> [Double] {
        let K = pointwise.count
        guard K > 1 else { return K == 1 ? [1] : [] }
        let n = pointwise[0].count
        // Each observation's densities relative to its best model: the ratios are what matter.
        var p = [[Double]](repeating: [Double](repeating: 0, count: K), count: n)
        for i in 0..<n {
            let top = (0..<K).map { pointwise[$0][i] }.max()!
            for k in 0..<K { p[i][k] = exp(pointwise[k][i] - top) }
        }
        var w = [Double](repeating: 1 / Double(K), count: K)
        for _ in 0..<maxIterations {
            var next = [Double](repeating: 0, count: K)
            for i in 0..<n {
                let mix = zip(w, p[i]).reduce(0) { $0 + $1.0 * $1.1 }
                for k in 0..<K { next[k] += w[k] * p[i][k] / mix }
            }
            next = next.map { $0 / Double(n) }
            let change = zip(next, w).map { abs($0 - $1) }.max()!
            w = next
            if change < tolerance { break }
        }
        return w
    }

    /// Σᵢ log Σₖ wₖ·exp(elpd_loo,ik): the stacked score of `weights`.
    public static func score(_ weights: [Double], pointwise: [[Double]]) -> Double {
        let n = pointwise.first?.count ?? 0
        return (0..<n).reduce(0) { total, i in
            total + logSumExp(weights.indices.map { log(weights[$0]) + pointwise[$0][i] })
        }
    }
}
