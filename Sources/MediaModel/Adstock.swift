import Foundation

/// How spend carries over into later periods.
public enum AdstockKind: String, Sendable, CaseIterable {
    /// Weights αˡ, l = 0…L−1, normalized to sum to 1: the effect peaks in the week of spend.
    case geometric
    /// Weights α^((l−θ)²), normalized: the effect peaks θ periods after the spend.
    case delayed
}

/// Normalized carryover weights and their derivatives with respect to the adstock parameters.
///
/// Normalized weights mean a constant weekly spend x adstocks to x, so the saturation curve is
/// read in the units of weekly spend.
struct AdstockWeights {
    let maxLag: Int
    /// Unnormalized weights w̃ₗ, `[maxLag]`.
    var raw: [Double]
    /// Σ w̃ₗ.
    var total: Double
    /// ∂w̃ₗ/∂α, `[maxLag]`.
    var dAlpha: [Double]
    /// ∂w̃ₗ/∂θ (delayed only), `[maxLag]`.
    var dPeak: [Double]

    init(kind: AdstockKind, alpha: Double, peak: Double, maxLag: Int) {
        self.maxLag = maxLag
        raw = .init(repeating: 0, count: maxLag)
        dAlpha = .init(repeating: 0, count: maxLag)
        dPeak = .init(repeating: 0, count: maxLag)
        switch kind {
        case .geometric:
            var power = 1.0  // αˡ
            for l in 0..<maxLag {
                raw[l] = power
                dAlpha[l] = l == 0 ? 0 : Double(l) * power / alpha
                power *= alpha
            }
        case .delayed:
            let logAlpha = log(alpha)
            for l in 0..<maxLag {
                let d = Double(l) - peak
                let w = exp(d * d * logAlpha)
                raw[l] = w
                dAlpha[l] = d * d * w / alpha
                dPeak[l] = -2 * d * logAlpha * w
            }
        }
        total = raw.reduce(0, +)
    }

    /// Normalized weight of lag l.
    @inline(__always)
    func weight(_ l: Int) -> Double { raw[l] / total }
}

/// Applies normalized adstock to a spend series: out[t] = Σₗ wₗ·x[t−l], with x = 0 before the
/// series starts (no carryover from before the data).
func applyAdstock(_ x: UnsafePointer<Double>, count: Int, weights: AdstockWeights, into out: UnsafeMutablePointer<Double>) {
    let scale = 1 / weights.total
    weights.raw.withUnsafeBufferPointer { w in
        // Lag by lag over the whole series: each pass is an independent multiply-add per period,
        // which the compiler vectorizes; summing lags inside each period would chain the adds.
        for t in 0..<count { out[t] = w[0] * x[t] }
        for l in 1..<max(1, min(weights.maxLag, count)) {
            let wl = w[l]
            for t in l..<count { out[t] += wl * x[t - l] }
        }
        for t in 0..<count { out[t] *= scale }
    }
}

/// Σ_t a[t]·b[t − lag] for t in lag..<count: the adstock's adjoint for one lag, in four
/// independent sums so the additions do not wait on each other.
func laggedDot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int, lag: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var t = lag
    while t + 3 < count {
        s0 += a[t] * b[t - lag]; s1 += a[t + 1] * b[t + 1 - lag]
        s2 += a[t + 2] * b[t + 2 - lag]; s3 += a[t + 3] * b[t + 3 - lag]
        t += 4
    }
    while t < count { s0 += a[t] * b[t - lag]; t += 1 }
    return (s0 + s1) + (s2 + s3)
}
