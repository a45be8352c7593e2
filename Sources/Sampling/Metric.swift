import Foundation

/// Which Euclidean metric (mass matrix) the sampler adapts during warmup.
public enum MetricKind: String, Sendable, CaseIterable {
    /// Diagonal inverse metric from per-coordinate variances (Stan's `diag_e`, the default).
    case diagonal
    /// Dense inverse metric from the full covariance (Stan's `dense_e`), for strongly
    /// correlated targets of modest dimension.
    case dense
}

/// The inverse metric M⁻¹ of the kinetic energy K(p) = ½ pᵀ M⁻¹ p.
///
/// For the dense kind it also keeps the Cholesky factor L of M⁻¹ (M⁻¹ = L Lᵀ) so momenta can be
/// drawn as p = L⁻ᵀ u with u ~ N(0, I), which has covariance M.
final class EuclideanMetric {
    let kind: MetricKind
    let n: Int
    /// Diagonal kind: M⁻¹ diagonal, `[n]`. Dense kind: M⁻¹, `[n, n]` row-major.
    let inverse: Vector
    /// Dense kind only: lower Cholesky factor of M⁻¹, `[n, n]` row-major.
    let cholesky: Vector

    init(kind: MetricKind, dimension n: Int) {
        self.kind = kind
        self.n = n
        let size = kind == .dense ? n * n : n
        inverse = .allocate(capacity: size)
        cholesky = .allocate(capacity: kind == .dense ? n * n : 1)
        setIdentity()
    }

    deinit {
        inverse.deallocate()
        cholesky.deallocate()
    }

    func setIdentity() {
        switch kind {
        case .diagonal:
            inverse.update(repeating: 1, count: n)
        case .dense:
            inverse.update(repeating: 0, count: n * n)
            for i in 0..<n { inverse[i * n + i] = 1 }
            _ = factorize()
        }
    }

    /// Replaces M⁻¹ (diagonal `[n]` or dense `[n, n]`). Returns false when a dense matrix is
    /// not positive definite, in which case the metric is left unchanged.
    @discardableResult
    func update(inverse newInverse: [Double]) -> Bool {
        switch kind {
        case .diagonal:
            precondition(newInverse.count == n)
            for i in 0..<n { inverse[i] = newInverse[i] }
            return true
        case .dense:
            precondition(newInverse.count == n * n)
            let saved = Array(UnsafeBufferPointer(start: inverse, count: n * n))
            for i in 0..<(n * n) { inverse[i] = newInverse[i] }
            if factorize() { return true }
            for i in 0..<(n * n) { inverse[i] = saved[i] }
            _ = factorize()
            return false
        }
    }

    /// The current M⁻¹ as an array (diagonal `[n]` or dense `[n, n]`).
    var inverseArray: [Double] {
        Array(UnsafeBufferPointer(start: inverse, count: kind == .dense ? n * n : n))
    }

    private func factorize() -> Bool {
        for j in 0..<n {
            var d = inverse[j * n + j]
            for k in 0..<j { d -= cholesky[j * n + k] * cholesky[j * n + k] }
            guard d > 0, d.isFinite else { return false }
            let ljj = d.squareRoot()
            cholesky[j * n + j] = ljj
            for i in (j + 1)..<max(j + 1, n) {
                var s = inverse[i * n + j]
                for k in 0..<j { s -= cholesky[i * n + k] * cholesky[j * n + k] }
                cholesky[i * n + j] = s / ljj
            }
            for i in 0..<j { cholesky[i * n + j] = 0 }
        }
        return true
    }

    /// velocity = M⁻¹ p (Stan's dτ/dp, "p sharp").
    @inline(__always)
    func velocity(of p: Vector, into velocity: Vector) {
        switch kind {
        case .diagonal:
            for i in 0..<n { velocity[i] = inverse[i] * p[i] }
        case .dense:
            for i in 0..<n {
                var s = 0.0
                let row = inverse + i * n
                for j in 0..<n { s += row[j] * p[j] }
                velocity[i] = s
            }
        }
    }

    /// K(p) = ½ pᵀ M⁻¹ p; `scratch` `[n]` is used by the dense kind.
    @inline(__always)
    func kineticEnergy(_ p: Vector, scratch: Vector) -> Double {
        switch kind {
        case .diagonal:
            var s = 0.0
            for i in 0..<n { s += p[i] * p[i] * inverse[i] }
            return 0.5 * s
        case .dense:
            velocity(of: p, into: scratch)
            return 0.5 * dot(p, scratch, n)
        }
    }

    /// Draws p ~ N(0, M).
    func sampleMomentum(into p: Vector, using rng: inout SeededGenerator) {
        switch kind {
        case .diagonal:
            for i in 0..<n { p[i] = rng.normal() / inverse[i].squareRoot() }
        case .dense:
            for i in 0..<n { p[i] = rng.normal() }
            // Solve Lᵀ p = u by back substitution: p = L⁻ᵀ u has covariance (L Lᵀ)⁻¹ = M.
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = p[i]
                for k in (i + 1)..<max(i + 1, n) { s -= cholesky[k * n + i] * p[k] }
                p[i] = s / cholesky[i * n + i]
            }
        }
    }
}
