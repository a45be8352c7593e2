import Foundation

/// Convergence diagnostics with the definitions of Vehtari, Gelman, Simpson, Carpenter and
/// Bürkner (2021), "Rank-normalization, folding, and localization: an improved R̂", as ArviZ
/// computes them. Every function takes one quantity's draws as `[chains][draws]`.
public enum Diagnostics {
    /// Rank-normalized split R̂: the larger of the bulk R̂ (rank-normalized draws) and the tail R̂
    /// (rank-normalized distances from the median). NaN for fewer than 4 draws or constant draws.
    public static func rHat(_ chains: [[Double]]) -> Double {
        guard let split = splitChains(chains), split[0].count >= 2 else { return .nan }
        let bulk = basicRHat(rankNormalized(split))
        let med = median(split.flatMap { $0 })
        let folded = split.map { $0.map { abs($0 - med) } }
        let tail = basicRHat(rankNormalized(folded))
        if bulk.isNaN || tail.isNaN { return .nan }
        return max(bulk, tail)
    }

    /// Bulk effective sample size: ESS of the rank-normalized split chains.
    public static func essBulk(_ chains: [[Double]]) -> Double {
        guard let split = splitChains(chains) else { return .nan }
        return ess(rankNormalized(split))
    }

    /// Tail effective sample size: the smaller ESS of the indicators x ≤ q_low and x ≤ q_high.
    /// - Parameter probabilities: the tail quantiles, 5% and 95% by default (Vehtari et al. 2021
    ///   and ArviZ's `ess(method="tail")` default); pass ArviZ's `prob` to compare with any
    ///   ArviZ version on the same draws.
    public static func essTail(_ chains: [[Double]], probabilities: (low: Double, high: Double) = (0.05, 0.95)) -> Double {
        guard let split = splitChains(chains) else { return .nan }
        let sorted = split.flatMap { $0 }.sorted()
        let q05 = quantile(sorted: sorted, probabilities.low), q95 = quantile(sorted: sorted, probabilities.high)
        let below05 = split.map { $0.map { $0 <= q05 ? 1.0 : 0.0 } }
        let below95 = split.map { $0.map { $0 <= q95 ? 1.0 : 0.0 } }
        return min(ess(below05), ess(below95))
    }

    /// ESS for the mean: ESS of the split chains on their own scale.
    public static func essMean(_ chains: [[Double]]) -> Double {
        guard let split = splitChains(chains) else { return .nan }
        return ess(split)
    }

    /// Monte Carlo standard error of the mean: sd / √(ESS for the mean).
    public static func mcseMean(_ chains: [[Double]]) -> Double {
        let all = chains.flatMap { $0 }
        return standardDeviation(all) / essMean(chains).squareRoot()
    }

    /// E-BFMI of one chain's `energy__` series: Σ(Eₜ − Eₜ₋₁)² / Σ(Eₜ − Ē)² (Betancourt 2016).
    /// Values below 0.3 indicate the momentum resampling explores the energy poorly.
    public static func ebfmi(energy: [Double]) -> Double {
        guard energy.count > 1 else { return .nan }
        let m = energy.reduce(0, +) / Double(energy.count)
        let deviations = energy.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        var steps = 0.0
        for i in 1..<energy.count { steps += (energy[i] - energy[i - 1]) * (energy[i] - energy[i - 1]) }
        return steps / deviations
    }

    // MARK: - Building blocks

    /// Each chain cut into a first and a last half (the middle draw dropped when odd), so that
    /// drift within a chain shows up as disagreement between chains. Nil without draws.
    static func splitChains(_ chains: [[Double]]) -> [[Double]]? {
        guard !chains.isEmpty, let count = chains.first?.count, count >= 2,
              chains.allSatisfy({ $0.count == count }) else { return nil }
        let half = count / 2
        return chains.flatMap { [Array($0[..<half]), Array($0[($0.count - half)...])] }
    }

    /// Replaces every value by Φ⁻¹((r − 3/8)/(S + 1/4)), r its average rank among all S values.
    static func rankNormalized(_ chains: [[Double]]) -> [[Double]] {
        let flat = chains.flatMap { $0 }
        let s = Double(flat.count)
        let order = flat.indices.sorted { flat[$0] < flat[$1] }
        var z = [Double](repeating: 0, count: flat.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, flat[order[j + 1]] == flat[order[i]] { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            let value = normalQuantile((averageRank - 0.375) / (s + 0.25))
            for k in i...j { z[order[k]] = value }
            i = j + 1
        }
        var out: [[Double]] = []
        var offset = 0
        for chain in chains {
            out.append(Array(z[offset..<(offset + chain.count)]))
            offset += chain.count
        }
        return out
    }

    /// Gelman–Rubin R̂ of equal-length chains: √((n−1)/n + B/(nW)).
    static func basicRHat(_ chains: [[Double]]) -> Double {
        let n = Double(chains[0].count)
        let means = chains.map { $0.reduce(0, +) / n }
        let withinVariance = zip(chains, means).map { chain, m in
            chain.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        }.reduce(0, +) / Double(chains.count)
        let betweenVariance = n * sampleVariance(means)
        guard withinVariance > 0 else { return .nan }
        return ((betweenVariance / withinVariance + n - 1) / n).squareRoot()
    }

    /// Multi-chain ESS with Geyer's initial monotone sequence over autocorrelations
    /// ρ̂ₜ = 1 − (W − mean autocovariance at lag t) / var⁺.
    static func ess(_ chains: [[Double]]) -> Double {
        let m = chains.count
        let n = chains[0].count
        let total = Double(m * n)
        let flat = chains.flatMap { $0 }
        if flat.contains(where: { !$0.isFinite }) { return .nan }
        // Constant draws carry no autocorrelation to estimate.
        if let lo = flat.min(), let hi = flat.max(), hi - lo < 1e-15 { return total }

        let means = chains.map { $0.reduce(0, +) / Double(n) }
        let centered = zip(chains, means).map { chain, mean in chain.map { $0 - mean } }
        var autocovarianceCache: [Double] = []
        // Mean over chains of the biased (1/n) autocovariance at lag t, computed on demand.
        func meanAutocovariance(_ t: Int) -> Double {
            while autocovarianceCache.count <= t {
                let lag = autocovarianceCache.count
                var sum = 0.0
                for chain in centered {
                    var s = 0.0
                    for i in 0..<(n - lag) { s += chain[i] * chain[i + lag] }
                    sum += s / Double(n)
                }
                autocovarianceCache.append(sum / Double(m))
            }
            return autocovarianceCache[t]
        }

        let meanVariance = meanAutocovariance(0) * Double(n) / Double(n - 1)
        var varPlus = meanVariance * Double(n - 1) / Double(n)
        if m > 1 { varPlus += sampleVariance(means) }

        var rho = [Double](repeating: 0, count: n)
        var rhoEven = 1.0
        rho[0] = rhoEven
        var rhoOdd = n > 1 ? 1 - (meanVariance - meanAutocovariance(1)) / varPlus : 0
        if n > 1 { rho[1] = rhoOdd }

        // Initial positive sequence: sum pairs while they stay positive.
        var t = 1
        while t < n - 3, rhoEven + rhoOdd > 0 {
            rhoEven = 1 - (meanVariance - meanAutocovariance(t + 1)) / varPlus
            rhoOdd = 1 - (meanVariance - meanAutocovariance(t + 2)) / varPlus
            if rhoEven + rhoOdd >= 0 {
                rho[t + 1] = rhoEven
                rho[t + 2] = rhoOdd
            }
            t += 2
        }
        let maxT = t - 2
        if rhoEven > 0, maxT + 1 < n { rho[maxT + 1] = rhoEven }

        // Initial monotone sequence: pair sums may not increase.
        t = 1
        while t <= maxT - 2 {
            if rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t] {
                rho[t + 1] = (rho[t - 1] + rho[t]) / 2
                rho[t + 2] = rho[t + 1]
            }
            t += 2
        }

        var tau = -1.0
        if maxT >= 0 { for k in 0...maxT { tau += 2 * rho[k] } }
        if maxT + 1 < n, maxT + 1 >= 0 { tau += rho[maxT + 1] }
        // Bound the estimate for antithetic chains, as ArviZ and Stan do.
        tau = max(tau, 1 / log10(total))
        return total / tau
    }

    /// Linear-interpolation quantile of sorted values (NumPy's default, type 7).
    public static func quantile(sorted: [Double], _ p: Double) -> Double {
        precondition(!sorted.isEmpty)
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    static func median(_ values: [Double]) -> Double { quantile(sorted: values.sorted(), 0.5) }

    static func sampleVariance(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let m = values.reduce(0, +) / Double(values.count)
        return values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
    }

    static func standardDeviation(_ values: [Double]) -> Double { sampleVariance(values).squareRoot() }
}
