import Foundation
import Testing
@testable import Sampling
import ReferenceDensities

/// Layer 3: seeded runs on targets with known moments. Every sample mean and variance must lie
/// within 4 Monte-Carlo standard errors of the truth, the MCSE estimated from the draws' own ESS.
@Suite struct SamplerStatisticsTests {
    /// z-scores of each coordinate's mean and variance against the truth.
    func zScores(_ result: SamplingResult, means: [Double], variances: [Double]) -> (mean: [Double], variance: [Double]) {
        var zMean: [Double] = [], zVariance: [Double] = []
        for j in 0..<result.dimension {
            let chains = result.coordinate(j)
            let all = chains.flatMap { $0 }
            let m = all.reduce(0, +) / Double(all.count)
            zMean.append((m - means[j]) / Diagnostics.mcseMean(chains))
            // The variance is the mean of squared deviations; its MCSE comes from their own ESS.
            let squares = chains.map { $0.map { ($0 - means[j]) * ($0 - means[j]) } }
            let v = squares.flatMap { $0 }.reduce(0, +) / Double(all.count)
            zVariance.append((v - variances[j]) / Diagnostics.mcseMean(squares))
        }
        return (zMean, zVariance)
    }

    func checkConverged(_ result: SamplingResult, _ label: String) {
        for j in 0..<result.dimension {
            let s = result.summary(ofCoordinate: j)
            #expect(s.rHat < 1.01, "\(label) coordinate \(j): R-hat \(s.rHat)")
            #expect(s.essBulk > 400, "\(label) coordinate \(j): bulk ESS \(s.essBulk)")
        }
        #expect(result.divergences == 0, "\(label): \(result.divergences) divergences")
        #expect(result.ebfmi.allSatisfy { $0 > 0.3 })
    }

    func checkMoments(_ result: SamplingResult, means: [Double], variances: [Double], _ label: String) {
        let z = zScores(result, means: means, variances: variances)
        for j in 0..<result.dimension {
            #expect(abs(z.mean[j]) < 4, "\(label) coordinate \(j): mean z = \(z.mean[j])")
            #expect(abs(z.variance[j]) < 4, "\(label) coordinate \(j): variance z = \(z.variance[j])")
        }
    }

    @Test func standardNormal100D() throws {
        let target = GaussianTarget.standard(dimension: 100)
        let result = try NUTSSampler(configuration: configuration()).sample(target)
        checkConverged(result, "100-D")
        checkMoments(result, means: target.mean, variances: Array(repeating: 1, count: 100), "100-D")
    }

    @Test(arguments: [MetricKind.diagonal, .dense])
    func correlatedNormal(metric: MetricKind) throws {
        let target = GaussianTarget.correlated(rho: 0.95)
        // A diagonal metric cannot undo the correlation (bulk ESS ≈ 0.2 per draw), so this target
        // gets 2000 draws per chain: enough that R-hat < 1.01 is a property, not a lucky seed.
        let result = try NUTSSampler(configuration: configuration(draws: 2000, metric: metric)).sample(target)
        checkConverged(result, "rho 0.95 \(metric)")
        checkMoments(result, means: [0, 0], variances: [1, 1], "rho 0.95 \(metric)")
        // The cross moment E[xy] = 0.95 is recovered within 4 MCSE.
        let products = zip(result.coordinate(0), result.coordinate(1)).map { zip($0, $1).map { $0 * $1 } }
        let all = products.flatMap { $0 }
        let z = (all.reduce(0, +) / Double(all.count) - 0.95) / Diagnostics.mcseMean(products)
        #expect(abs(z) < 4, "E[xy] z = \(z)")
        if metric == .dense {
            // The adapted metric approaches the target covariance [[1, .95], [.95, 1]].
            let m = result.chains[0].inverseMetric
            #expect(abs(m[1] / (m[0] * m[3]).squareRoot() - 0.95) < 0.03, "metric \(m)")
        }
    }

    @Test func scalesFromHundredthToHundred() throws {
        let scales = [1e-2, 1e-1, 1, 1e1, 1e2]
        let target = GaussianTarget(scales: scales)
        let result = try NUTSSampler(configuration: configuration()).sample(target)
        checkConverged(result, "scales")
        checkMoments(result, means: target.mean, variances: scales.map { $0 * $0 }, "scales")
        // The diagonal metric learned the variances (within 25%: 525 draws in the last window).
        for (j, s) in scales.enumerated() {
            let learned = result.chains[0].inverseMetric[j]
            #expect(abs(learned / (s * s) - 1) < 0.25, "coordinate \(j): metric \(learned), variance \(s * s)")
        }
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func nealsFunnelReportsDivergences(seed: UInt64) throws {
        let result = try NUTSSampler(configuration: configuration(seed: seed)).sample(FunnelTarget(dimension: 10))
        // The neck cannot be explored with one step size; the sampler must say so rather than
        // return draws that silently miss it.
        #expect(result.divergences > 0)
        let v = result.summary(ofCoordinate: 0)
        #expect(v.rHat > 1.01 || v.essBulk < 400, "R-hat \(v.rHat), bulk ESS \(v.essBulk)")
    }

    @Test func sameSeedSameDrawsWhateverTheCores() throws {
        var parallel = configuration(chains: 3, warmup: 150, draws: 100)
        parallel.parallel = true
        var serial = parallel
        serial.parallel = false
        let target = GaussianTarget.correlated(rho: 0.5)
        let a = try NUTSSampler(configuration: parallel).sample(target)
        let b = try NUTSSampler(configuration: serial).sample(target)
        for (x, y) in zip(a.chains, b.chains) {
            #expect(x.draws == y.draws)
            #expect(x.statistics == y.statistics)
        }
        var other = serial
        other.seed += 1
        let c = try NUTSSampler(configuration: other).sample(target)
        #expect(c.chains[0].draws != b.chains[0].draws)
        // Chains differ from each other.
        #expect(a.chains[0].draws != a.chains[1].draws)
    }

    @Test func initializationFailureIsAnError() {
        #expect(throws: SamplingError.initializationFailed(chain: 0, attempts: 100)) {
            try NUTSSampler(configuration: configuration(chains: 1, warmup: 10, draws: 10))
                .sample(NowhereFiniteTarget())
        }
    }

    @Test func badSettingsAreRejected() {
        var c = configuration()
        c.targetAcceptance = 1.2
        #expect(throws: SamplingError.self) { try NUTSSampler(configuration: c).sample(FlatTarget(dimension: 2)) }
        c = configuration(); c.draws = 0
        #expect(throws: SamplingError.self) { try NUTSSampler(configuration: c).sample(FlatTarget(dimension: 2)) }
        c = configuration(); c.initialPoints = [[0, 0]]
        #expect(throws: SamplingError.self) { try NUTSSampler(configuration: c).sample(FlatTarget(dimension: 2)) }
    }

    @Test func progressReachesEveryChainsEnd() throws {
        let seen = ProgressLog()
        _ = try NUTSSampler(configuration: configuration(chains: 2, warmup: 100, draws: 100))
            .sample(GaussianTarget.standard(dimension: 2)) { seen.add($0) }
        let finals = seen.events.filter { $0.iteration == $0.totalIterations }
        #expect(Set(finals.map(\.chain)) == [0, 1])
        #expect(finals.allSatisfy { $0.phase == .sampling })
    }
}

final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [SamplingProgress] = []
    func add(_ p: SamplingProgress) { lock.lock(); stored.append(p); lock.unlock() }
    var events: [SamplingProgress] { lock.lock(); defer { lock.unlock() }; return stored }
}
