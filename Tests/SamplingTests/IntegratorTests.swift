import Foundation
import Testing
@testable import Sampling
import ReferenceDensities

/// Layer 1–2: the leapfrog integrator conserves energy to O(ε²) and is exactly reversible.
@Suite struct IntegratorTests {
    func makeHamiltonian(_ target: any LogDensity, metric: EuclideanMetric) -> Hamiltonian {
        let scratch = Vector.allocate(capacity: target.dimension)
        scratch.initialize(repeating: 0, count: target.dimension)
        return Hamiltonian(target: target, metric: metric, scratch: scratch)
    }

    func start(_ h: Hamiltonian, seed: UInt64) -> PhasePoint {
        var rng = SeededGenerator(seed: seed)
        let point = PhasePoint(dimension: h.target.dimension)
        for i in 0..<point.n { point.q[i] = rng.normal() }
        h.metric.sampleMomentum(into: point.p, using: &rng)
        h.evaluate(point)
        return point
    }

    @Test(arguments: [MetricKind.diagonal, .dense])
    func energyErrorShrinksWithTheSquareOfTheStep(kind: MetricKind) {
        let target = GaussianTarget(mean: [0.5, -1, 2], covariance: [2, 0.3, 0.1, 0.3, 1, -0.2, 0.1, -0.2, 0.5])
        let metric = EuclideanMetric(kind: kind, dimension: 3)
        if kind == .dense { metric.update(inverse: [1.5, 0.2, 0, 0.2, 1, 0, 0, 0, 0.7]) }
        else { metric.update(inverse: [1.5, 1, 0.7]) }
        let h = makeHamiltonian(target, metric: metric)
        func maxError(_ epsilon: Double) -> Double {
            let point = start(h, seed: 5)
            let h0 = h.energy(point)
            var worst = 0.0
            // Integrate over a fixed time of 2 so the two runs are comparable.
            for _ in 0..<Int((2 / epsilon).rounded()) {
                h.leapfrog(point, epsilon: epsilon)
                worst = max(worst, abs(h.energy(point) - h0))
            }
            return worst
        }
        let coarse = maxError(0.1), fine = maxError(0.05)
        #expect(coarse < 0.05)
        // Second order: halving ε divides the energy error by about 4.
        #expect(coarse / fine > 3.5 && coarse / fine < 4.5, "ratio \(coarse / fine)")
    }

    @Test func leapfrogIsReversible() {
        let target = FunnelTarget(dimension: 5)
        let metric = EuclideanMetric(kind: .diagonal, dimension: 5)
        let h = makeHamiltonian(target, metric: metric)
        let point = start(h, seed: 9)
        point.q[0] = 0.5
        h.evaluate(point)
        let q0 = Array(UnsafeBufferPointer(start: point.q, count: 5))
        let p0 = Array(UnsafeBufferPointer(start: point.p, count: 5))
        for _ in 0..<50 { h.leapfrog(point, epsilon: 0.05) }
        // Integrating backward in time retraces the path exactly (up to rounding).
        for _ in 0..<50 { h.leapfrog(point, epsilon: -0.05) }
        for i in 0..<5 {
            #expect(abs(point.q[i] - q0[i]) < 1e-10)
            #expect(abs(point.p[i] - p0[i]) < 1e-10)
        }
    }

    @Test func denseMomentaHaveCovarianceM() {
        // M⁻¹ = Σ, so p must have covariance Σ⁻¹.
        let metric = EuclideanMetric(kind: .dense, dimension: 2)
        metric.update(inverse: [4, 1.2, 1.2, 1])
        var rng = SeededGenerator(seed: 1)
        let p = Vector.allocate(capacity: 2)
        defer { p.deallocate() }
        var s00 = 0.0, s01 = 0.0, s11 = 0.0
        let n = 200_000
        for _ in 0..<n {
            metric.sampleMomentum(into: p, using: &rng)
            s00 += p[0] * p[0]; s01 += p[0] * p[1]; s11 += p[1] * p[1]
        }
        let det = 4.0 * 1 - 1.2 * 1.2
        let expected = [1 / det, -1.2 / det, 4 / det]
        let got = [s00 / Double(n), s01 / Double(n), s11 / Double(n)]
        for (g, e) in zip(got, expected) { #expect(abs(g - e) < 0.01, "\(got) vs \(expected)") }
    }
}
