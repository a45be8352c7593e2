import Foundation
import Testing
import GeoExperiment
import Sampling

/// Layer 1: the hand-written gradient of the synthetic control's log posterior against central
/// finite differences, at random points of a random problem.
@Suite struct SyntheticControlDensityTests {
    func problem(seed: UInt64) -> SyntheticControlDensity {
        var rng = SeededGenerator(seed: seed)
        let T = 30, J = 5, K = 2
        let y = (0..<T).map { _ in 1 + 0.1 * rng.normal() }
        let x = (0..<(J * T)).map { _ in 1 + 0.2 * rng.normal() }
        let features = (0..<(K * T)).map { _ in rng.normal() }
        return SyntheticControlDensity(y: y, x: x, controls: J, features: features, featureCount: K, priors: .forControls(J))
    }

    @Test func gradientMatchesCentralFiniteDifferences() {
        for seed in [1, 2, 3] as [UInt64] {
            let density = problem(seed: seed)
            var rng = SeededGenerator(seed: seed, stream: 9)
            let point = (0..<density.dimension).map { i in i == 0 ? 1 + 0.1 * rng.normal() : (i == density.dimension - 1 ? -2 + 0.3 * rng.normal() : -1.5 + 0.5 * rng.normal()) }
            let (value, gradient) = density.logDensityAndGradient(at: point)
            #expect(value.isFinite)
            for i in 0..<density.dimension {
                let h = 1e-5
                var up = point, down = point
                up[i] += h; down[i] -= h
                let numeric = (density.logDensityAndGradient(at: up).value - density.logDensityAndGradient(at: down).value) / (2 * h)
                #expect(abs(numeric - gradient[i]) <= 1e-5 * max(1, abs(numeric)), "coordinate \(i): analytic \(gradient[i]), numeric \(numeric)")
            }
        }
    }

    @Test func theLogDensityIsTheSumOfItsTerms() {
        // One control, no seasonality: the value by hand at a point.
        let y = [1.0, 1.2, 0.9], x = [1.0, 1.1, 0.8]
        let density = SyntheticControlDensity(y: y, x: x, controls: 1, features: [], featureCount: 0, priors: .forControls(1))
        let a = 0.1, u = log(0.8), logSigma = log(0.1)
        let w = 0.8, sigma = 0.1
        var expected = 0.0
        for t in 0..<3 { let r = y[t] - a - w * x[t]; expected += -log(sigma) - r * r / (2 * sigma * sigma) }
        let p = density.priors
        expected += -(a - p.interceptMean) * (a - p.interceptMean) / (2 * p.interceptSD * p.interceptSD)
        expected += -w * w / (2 * p.weightScale * p.weightScale) + u
        expected += -sigma * sigma / (2 * p.sigmaScale * p.sigmaScale) + logSigma
        #expect(abs(density.logDensityAndGradient(at: [a, u, logSigma]).value - expected) < 1e-12)
    }
}
