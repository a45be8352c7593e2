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
    let lags = weights.maxLag
    let scale = 1 / weights.total
    weights.raw.withUnsafeBufferPointer { w in
        for t in 0..<count {
            var s = 0.0
            for l in 0..<min(lags, t + 1) { s += w[l] * x[t - l] }
            out[t] = s * scale
        }
    }
}
