import Sampling

/// A multivariate normal N(μ, Σ) as a sampler target with known moments, for checking samplers.
///
/// Stored as its precision matrix Σ⁻¹ (dense) or precision diagonal (independent coordinates).
public struct GaussianTarget: LogDensity {
    public let dimension: Int
    /// μ, `[dimension]`.
    public let mean: [Double]
    /// Σ, `[dimension, dimension]` row-major: the true covariance the draws must reproduce.
    public let covariance: [Double]
    private let precision: [Double]
    private let independent: Bool

    /// Independent coordinates with standard deviations `scales` (`[dimension]`), mean 0.
    public init(scales: [Double]) {
        dimension = scales.count
        mean = Array(repeating: 0, count: scales.count)
        var cov = [Double](repeating: 0, count: scales.count * scales.count)
        for (i, s) in scales.enumerated() { cov[i * scales.count + i] = s * s }
        covariance = cov
        precision = scales.map { 1 / ($0 * $0) }
        independent = true
    }

    /// The n-dimensional standard normal.
    public static func standard(dimension: Int) -> GaussianTarget {
        GaussianTarget(scales: Array(repeating: 1, count: dimension))
    }

    /// A 2-D normal with unit variances and correlation `rho`, mean 0.
    public static func correlated(rho: Double) -> GaussianTarget {
        GaussianTarget(mean: [0, 0], covariance: [1, rho, rho, 1])
    }

    /// General N(μ, Σ); Σ `[n, n]` row-major, symmetric positive definite.
    public init(mean: [Double], covariance: [Double]) {
        let n = mean.count
        precondition(covariance.count == n * n, "covariance must be [n, n]")
        dimension = n
        self.mean = mean
        self.covariance = covariance
        precision = invertSymmetric(covariance, n)
        independent = false
    }

    public func logDensity(at x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let n = dimension
        if independent {
            return precision.withUnsafeBufferPointer { precision in
                var s = 0.0
                for i in 0..<n {
                    let g = -precision[i] * x[i]
                    gradient[i] = g
                    s += g * x[i]
                }
                return 0.5 * s
            }
        }
        var s = 0.0
        for i in 0..<n {
            var g = 0.0
            for j in 0..<n { g -= precision[i * n + j] * (x[j] - mean[j]) }
            gradient[i] = g
            s += g * (x[i] - mean[i])
        }
        return 0.5 * s
    }
}

/// Gauss–Jordan inverse of a small symmetric positive definite matrix `[n, n]`.
private func invertSymmetric(_ a: [Double], _ n: Int) -> [Double] {
    var m = a
    var inv = [Double](repeating: 0, count: n * n)
    for i in 0..<n { inv[i * n + i] = 1 }
    for col in 0..<n {
        let pivot = m[col * n + col]
        precondition(pivot > 0, "covariance is not positive definite")
        for j in 0..<n { m[col * n + j] /= pivot; inv[col * n + j] /= pivot }
        for row in 0..<n where row != col {
            let f = m[row * n + col]
            if f == 0 { continue }
            for j in 0..<n { m[row * n + j] -= f * m[col * n + j]; inv[row * n + j] -= f * inv[col * n + j] }
        }
    }
    return inv
}
