import Foundation
import Testing
@testable import Sampling
import ReferenceDensities

/// The gradient-informed warmup (`SamplerConfiguration.gradientInformedWarmup`) against Stan's:
/// its estimates are right where they are exact, it reaches the same posterior, and it spends
/// fewer gradients getting there on a badly scaled target.
@Suite struct GradientInformedWarmupTests {
    /// For N(0, σ²) the gradient is −x/σ², so √(Var x / Var ∇) = σ² whatever the draws: the first
    /// window's estimate is σ² up to Stan's shrinkage of each variance toward 10⁻³ (weight 5/30),
    /// where the draws' variance alone would be off by ~28% after 25 draws.
    @Test func earlyWindowEstimateIsExactForAGaussian() throws {
        let scales = [1e-3, 0.1, 1, 30]
        var c = SamplerConfiguration()
        c.warmup = 1000
        var adapter = WarmupAdapter(configuration: c, dimension: scales.count)
        var rng = SeededGenerator(seed: 5, stream: 0)
        let firstWindow = adapter.schedule.metricWindows[0]
        var learned: [Double]?
        var window: [[Double]] = []
        for iteration in 0..<firstWindow.upperBound {
            let x = scales.map { $0 * rng.normal() }
            let g = zip(x, scales).map { -$0 / ($1 * $1) }
            if firstWindow.contains(iteration) { window.append(x) }
            let step = adapter.learn(iteration: iteration, position: x, gradient: g, acceptStat: 0.8)
            if let m = step.newInverseMetric { learned = m }
        }
        let metric = try #require(learned)
        let k = Double(window.count), w = k / (k + 5), ridge = 1e-3 * 5 / (k + 5)
        for (j, s) in scales.enumerated() {
            let column = window.map { $0[j] }
            let mean = column.reduce(0, +) / k
            let v = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (k - 1)
            let expected = ((w * v + ridge) / (w * v / (s * s * s * s) + ridge)).squareRoot()
            #expect(abs(metric[j] / expected - 1) < 1e-9, "coordinate \(j): \(metric[j]) vs \(expected)")
            // Where the ridge is negligible beside both variances, the estimate is σ² itself.
            if s >= 0.1 && s <= 1 { #expect(abs(metric[j] / (s * s) - 1) < 0.05, "coordinate \(j): \(metric[j]) vs σ² \(s * s)") }
        }
    }

    /// Before the first slow window, the metric is updated every 15 iterations from those
    /// iterations alone (a start far out in the tails must not set the scale for 100 iterations);
    /// Stan's adaptation leaves it alone there.
    @Test func initialIntervalUpdatesTheMetricEveryFifteenIterations() {
        for informed in [true, false] {
            var c = SamplerConfiguration()
            c.warmup = 1000
            c.gradientInformedWarmup = informed
            var adapter = WarmupAdapter(configuration: c, dimension: 2)
            var rng = SeededGenerator(seed: 8, stream: 0)
            var updates: [Int] = []
            for iteration in 0..<75 {
                let x = [3 * rng.normal(), 0.3 * rng.normal()]
                let step = adapter.learn(iteration: iteration, position: x, gradient: [-x[0] / 9, -x[1] / 0.09], acceptStat: 0.8)
                if let m = step.newInverseMetric {
                    updates.append(iteration)
                    #expect(abs(m[0] / 9 - 1) < 0.3 && abs(m[1] / 0.09 - 1) < 0.3, "iteration \(iteration): \(m)")
                }
            }
            #expect(updates == (informed ? [14, 29, 44, 59] : []), "informed \(informed): updates at \(updates)")
        }
    }

    /// The last window is the draws' own covariance, as in Stan: the metric chains sample with is
    /// not a blend.
    @Test func lastWindowUsesTheDrawsAlone() {
        var c = SamplerConfiguration()
        c.warmup = 1000
        var adapter = WarmupAdapter(configuration: c, dimension: 1)
        var rng = SeededGenerator(seed: 6, stream: 0)
        var last: [Double]?
        var drawn: [Double] = []
        let window = adapter.schedule.metricWindows.last!
        for iteration in 0..<window.upperBound {
            let x = 2 * rng.normal()
            // A gradient that disagrees with the draws: a blend would move the estimate far off.
            let g = -100 * x
            if window.contains(iteration) { drawn.append(x) }
            let step = adapter.learn(iteration: iteration, position: [x], gradient: [g], acceptStat: 0.8)
            if iteration == window.upperBound - 1 { last = step.newInverseMetric }
        }
        let k = Double(drawn.count), mean = drawn.reduce(0, +) / k
        let variance = drawn.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (k - 1)
        let expected = k / (k + 5) * variance + 1e-3 * 5 / (k + 5)
        #expect(abs(last![0] / expected - 1) < 1e-9)
    }

    /// Scales from 10⁻³ to 10²: both warmups reach the right moments; the gradient-informed one
    /// with at most 60% of Stan's warmup gradients (its start is scaled, so the first iterations
    /// need no trees of hundreds of steps).
    @Test func cheaperWarmupOnABadlyScaledTarget() throws {
        let scales = [1e-3, 1e-2, 0.3, 1, 10, 100]
        let target = GaussianTarget(scales: scales)
        var evaluations: [Bool: Int] = [:]
        for informed in [false, true] {
            var c = configuration(seed: 21)
            c.gradientInformedWarmup = informed
            let result = try NUTSSampler(configuration: c).sample(target)
            for j in 0..<scales.count {
                let s = result.summary(ofCoordinate: j)
                #expect(s.rHat < 1.01 && s.essBulk > 400, "informed \(informed), coordinate \(j): R-hat \(s.rHat), ESS \(s.essBulk)")
                let draws = result.coordinate(j).flatMap { $0 }
                let variance = draws.map { $0 * $0 }.reduce(0, +) / Double(draws.count)
                #expect(abs(variance / (scales[j] * scales[j]) - 1) < 0.15, "informed \(informed), coordinate \(j): variance \(variance)")
            }
            evaluations[informed] = result.chains.reduce(0) { $0 + $1.warmupGradientEvaluations }
        }
        let ratio = Double(evaluations[true]!) / Double(evaluations[false]!)
        #expect(ratio < 0.6, "warmup gradients: informed \(evaluations[true]!), Stan's \(evaluations[false]!)")
    }
}
