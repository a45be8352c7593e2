import Foundation
import Testing
@testable import Sampling
import ReferenceDensities

@Suite struct NumericsTests {
    @Test func normalQuantileMatchesReferenceValues() {
        // Reference values: scipy.stats.norm.ppf (SciPy 1.17.1); 1e-11 relative because SciPy's
        // own algorithm (Cephes ndtri) is accurate to about that in the far tails.
        let cases: [(Double, Double)] = [
            (0.975, 1.959963984540054), (0.05, -1.6448536269514729), (0.5, 0),
            (1e-10, -6.361340902404056), (0.999999, 4.753424308822899), (0.3, -0.5244005127080407),
        ]
        for (p, x) in cases { #expect(abs(normalQuantile(p) - x) < 1e-11 * max(1, abs(x)), "p = \(p)") }
    }

    @Test func referenceGradientsMatchCentralDifferences() {
        let targets: [any LogDensity] = [
            GaussianTarget(mean: [1, -2, 0.5], covariance: [2, 0.3, 0.1, 0.3, 1, -0.2, 0.1, -0.2, 0.5]),
            GaussianTarget(scales: [0.1, 1, 10]),
            FunnelTarget(dimension: 6),
        ]
        var rng = SeededGenerator(seed: 4)
        for target in targets {
            for _ in 0..<5 {
                let x = (0..<target.dimension).map { _ in rng.normal() }
                let (_, gradient) = target.logDensityAndGradient(at: x)
                for i in 0..<target.dimension {
                    let h = 1e-6 * max(1, abs(x[i]))
                    var up = x, down = x
                    up[i] += h; down[i] -= h
                    let numeric = (target.logDensityAndGradient(at: up).value
                        - target.logDensityAndGradient(at: down).value) / (2 * h)
                    #expect(abs(numeric - gradient[i]) < 1e-6 * max(1, abs(gradient[i])))
                }
            }
        }
    }

    @Test func seededStreamsAreReproducibleAndDistinct() {
        var a = SeededGenerator(seed: 42, stream: 0), b = SeededGenerator(seed: 42, stream: 0)
        var c = SeededGenerator(seed: 42, stream: 1)
        let xa = (0..<100).map { _ in a.next() }
        #expect(xa == (0..<100).map { _ in b.next() })
        #expect(xa != (0..<100).map { _ in c.next() })
        // Uniforms and normals have the right first two moments.
        var g = SeededGenerator(seed: 3)
        let n = 100_000
        let u = (0..<n).map { _ in g.uniform() }
        let z = (0..<n).map { _ in g.normal() }
        #expect(abs(u.reduce(0, +) / Double(n) - 0.5) < 0.005)
        #expect(abs(z.reduce(0, +) / Double(n)) < 0.015)
        #expect(abs(z.map { $0 * $0 }.reduce(0, +) / Double(n) - 1) < 0.015)
    }
}
