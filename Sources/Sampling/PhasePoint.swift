import Foundation

/// A point in phase space: position q, momentum p, and the cached log density and its
/// gradient at q, so nothing is evaluated twice.
final class PhasePoint {
    let n: Int
    let q: Vector
    let p: Vector
    /// ∇ log π(q)
    let gradient: Vector
    /// log π(q); -inf outside the support.
    var logDensity: Double = -.infinity
    /// H(q, p), kept for proposals, whose momentum is not copied.
    var energy: Double = .infinity

    init(dimension n: Int) {
        self.n = n
        q = .allocate(capacity: n); q.initialize(repeating: 0, count: n)
        p = .allocate(capacity: n); p.initialize(repeating: 0, count: n)
        gradient = .allocate(capacity: n); gradient.initialize(repeating: 0, count: n)
    }

    deinit {
        q.deallocate(); p.deallocate(); gradient.deallocate()
    }

    @inline(__always)
    func assign(_ other: PhasePoint) {
        copyVector(other.q, to: q, n)
        copyVector(other.p, to: p, n)
        copyVector(other.gradient, to: gradient, n)
        logDensity = other.logDensity
        energy = other.energy
    }

    /// Copies position, gradient, density and energy but not momentum: all a proposal needs.
    @inline(__always)
    func assignProposal(_ other: PhasePoint) {
        copyVector(other.q, to: q, n)
        copyVector(other.gradient, to: gradient, n)
        logDensity = other.logDensity
        energy = other.energy
    }
}

/// The Hamiltonian H(q, p) = -log π(q) + ½ pᵀ M⁻¹ p and its leapfrog integrator.
struct Hamiltonian {
    let target: any LogDensity
    let metric: EuclideanMetric
    /// Scratch `[n]` for the dense kinetic energy and for the velocity in a leapfrog step.
    let scratch: Vector

    /// Evaluates log π and ∇ log π at `point.q`. Returns false when the point is outside the support.
    @inline(__always)
    @discardableResult
    func evaluate(_ point: PhasePoint) -> Bool {
        let value = target.logDensity(
            at: UnsafeBufferPointer(start: point.q, count: point.n),
            gradient: UnsafeMutableBufferPointer(start: point.gradient, count: point.n))
        point.logDensity = value.isNaN ? -.infinity : value
        return point.logDensity.isFinite
    }

    /// H at the point; +inf when the density is not finite.
    @inline(__always)
    func energy(_ point: PhasePoint) -> Double {
        let h = -point.logDensity + metric.kineticEnergy(point.p, scratch: scratch)
        return h.isNaN ? .infinity : h
    }

    /// H at the point given its velocity M⁻¹p, which the caller needs anyway.
    @inline(__always)
    func energy(_ point: PhasePoint, velocity: Vector) -> Double {
        energy(point, kinetic: 0.5 * dot(point.p, velocity, point.n))
    }

    /// H from a kinetic energy already computed; +inf when not finite.
    @inline(__always)
    func energy(_ point: PhasePoint, kinetic: Double) -> Double {
        let h = -point.logDensity + kinetic
        return h.isNaN ? .infinity : h
    }

    /// One leapfrog step that also leaves the final velocity M⁻¹p in `velocity` and returns the
    /// kinetic energy, fusing the last half-step with both (the diagonal case in a single pass).
    @inline(__always)
    func leapfrog(_ point: PhasePoint, epsilon: Double, velocity: Vector) -> Double {
        let n = point.n
        let half = 0.5 * epsilon
        let q = point.q, p = point.p, g = point.gradient
        switch metric.kind {
        case .diagonal:
            let inverse = metric.inverse
            for i in 0..<n {
                let pi = p[i] + half * g[i]
                p[i] = pi
                q[i] += epsilon * inverse[i] * pi
            }
            evaluate(point)
            var twiceKinetic = 0.0
            for i in 0..<n {
                let pi = p[i] + half * g[i]
                p[i] = pi
                let vi = inverse[i] * pi
                velocity[i] = vi
                twiceKinetic += pi * vi
            }
            return 0.5 * twiceKinetic
        case .dense:
            for i in 0..<n { p[i] += half * g[i] }
            metric.velocity(of: p, into: scratch)
            for i in 0..<n { q[i] += epsilon * scratch[i] }
            evaluate(point)
            for i in 0..<n { p[i] += half * g[i] }
            metric.velocity(of: p, into: velocity)
            return 0.5 * dot(p, velocity, n)
        }
    }

    /// One leapfrog step of signed size `epsilon` (a negative size integrates backward in time).
    @inline(__always)
    func leapfrog(_ point: PhasePoint, epsilon: Double) {
        let n = point.n
        let half = 0.5 * epsilon
        let q = point.q, p = point.p, g = point.gradient
        for i in 0..<n { p[i] += half * g[i] }
        metric.velocity(of: p, into: scratch)
        for i in 0..<n { q[i] += epsilon * scratch[i] }
        evaluate(point)
        for i in 0..<n { p[i] += half * g[i] }
    }
}
