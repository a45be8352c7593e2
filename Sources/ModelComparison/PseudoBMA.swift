import Foundation

/// Pseudo-Bayesian model averaging with the Bayesian bootstrap (pseudo-BMA+; Yao, Vehtari,
/// Simpson & Gelman 2018, §3.3): each model's weight is the average over bootstrap replicates of
/// softmax(n·Σᵢ αᵢ·elpd_loo,ik), with α ~ Dirichlet(1, …, 1) over the observations.
///
/// Unlike stacking, which optimizes one mixture and may put all weight on one of several models
/// that predict equally well, these weights stay spread while the data cannot tell the models
/// apart: the bootstrap carries the elpd differences' uncertainty into the weights.
public enum PseudoBMA {
    /// - Parameters:
    ///   - pointwise: elpd_loo,i per model, `[models][observations]`.
    ///   - replicates: Bayesian bootstrap replicates (default 1000).
    ///   - seed: the bootstrap's seed (default fixed, so a comparison gives the same weights every run).
    /// - Returns: weights, `[models]`, summing to 1.
    public static func weights(pointwise: [[Double]], replicates: Int = 1000, seed: UInt64 = 0x5EED_B0B) -> [Double] {
        let K = pointwise.count
        guard K > 1 else { return K == 1 ? [1] : [] }
        let n = pointwise[0].count
        precondition(pointwise.allSatisfy { $0.count == n }, "every model needs an elpd for the same observations")
        let even = [Double](repeating: 1 / Double(K), count: K)
        // Nothing to tell the models apart by: equal weights rather than 0/0.
        guard n > 0, replicates > 0 else { return even }
        var state = seed
        func uniform() -> Double {
            // SplitMix64: small, seedable, and good enough for Dirichlet draws.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return (Double(z >> 11) + 0.5) / 9_007_199_254_740_992
        }
        var total = [Double](repeating: 0, count: K)
        var alpha = [Double](repeating: 0, count: n)
        for _ in 0..<replicates {
            // Dirichlet(1, …, 1): normalized unit exponentials.
            var sum = 0.0
            for i in 0..<n { alpha[i] = -log(uniform()); sum += alpha[i] }
            let z = (0..<K).map { k in
                var s = 0.0
                for i in 0..<n { s += alpha[i] * pointwise[k][i] }
                return Double(n) * s / sum
            }
            // A model with a non-finite elpd (−∞: some week impossible under it) gets no weight.
            let finite = z.map { $0.isFinite ? $0 : -Double.infinity }
            guard let top = finite.max(), top.isFinite else { return even }
            let e = finite.map { exp($0 - top) }
            let norm = e.reduce(0, +)
            for k in 0..<K { total[k] += e[k] / norm }
        }
        return total.map { $0 / Double(replicates) }
    }
}
