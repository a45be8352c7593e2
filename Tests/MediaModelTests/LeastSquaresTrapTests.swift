import Foundation
import Testing
import MediaModel
import Simulation
import Sampling

/// The seed-001 trap: six channels whose spend is correlated above 0.9. Ordinary least squares
/// returns a negative effect for at least one channel; MixPlan's positive priors keep every
/// contribution positive and at least halve the ROAS error.
@Suite struct LeastSquaresTrapTests {
    /// The document's generating process, sales = 20 + Σ coefₖ·spendₖ + noise, with spend that
    /// moves together (3% channel-specific variation: every pair correlated above 0.95) and noise
    /// N(20, 15) on this spend scale. Least squares returns a negative coefficient on 70% of seeds
    /// of this process (checked with NumPy over 200 seeds); the test asserts it for its own seed.
    static let coefficients = [1.1, 0.7, 0.8, 1.5, 0.8, 0.95]

    func history(seed: UInt64, periods: Int = 104) -> Dataset {
        var rng = SeededGenerator(seed: seed, stream: 1)
        var level = 0.0
        var spend = [[Double]](repeating: [], count: 6)
        var sales: [Double] = []
        for t in 0..<periods {
            level = 0.8 * level + rng.normal()
            let common = 50 + 15 * sin(2 * Double.pi * Double(t) / 52) + 6 * level
            var y = 20 + 20 + 15 * rng.normal()
            for k in 0..<6 {
                let x = max(0, common * (1 + 0.03 * rng.normal()))
                spend[k].append(x)
                y += Self.coefficients[k] * x
            }
            sales.append(y)
        }
        return Dataset(dates: isoWeeks(from: "2022-01-03", count: periods), targetName: "sales", target: sales,
                       channels: (1...6).map { "channel_\($0)" }, spend: spend)
    }

    /// OLS of the target on an intercept and the six spends (normal equations, Cholesky).
    func leastSquares(_ d: Dataset) -> [Double] {
        let k = 7
        var xtx = [Double](repeating: 0, count: k * k), xty = [Double](repeating: 0, count: k)
        for t in 0..<d.periods {
            let row = [1] + d.spend.map { $0[t] }
            for i in 0..<k {
                xty[i] += row[i] * d.target[t]
                for j in 0..<k { xtx[i * k + j] += row[i] * row[j] }
            }
        }
        var l = [Double](repeating: 0, count: k * k)
        for j in 0..<k {
            var s = xtx[j * k + j]
            for p in 0..<j { s -= l[j * k + p] * l[j * k + p] }
            l[j * k + j] = s.squareRoot()
            for i in (j + 1)..<max(j + 1, k) {
                var v = xtx[i * k + j]
                for p in 0..<j { v -= l[i * k + p] * l[j * k + p] }
                l[i * k + j] = v / l[j * k + j]
            }
        }
        var z = xty
        for i in 0..<k { for p in 0..<i { z[i] -= l[i * k + p] * z[p] }; z[i] /= l[i * k + i] }
        for i in stride(from: k - 1, through: 0, by: -1) { for p in (i + 1)..<max(i + 1, k) { z[i] -= l[p * k + i] * z[p] }; z[i] /= l[i * k + i] }
        return Array(z.dropFirst())
    }

    /// Seeds whose data spring the trap. Scanning seeds 2–9 of this process, least squares went
    /// negative on 2, 3, 4, 6, 7 and 9, and MixPlan's mean ROAS error was 0.23–0.37 of its error
    /// there (0.43–0.56 on the seeds where least squares stayed positive).
    @Test(arguments: [2, 6] as [UInt64])
    func mixPlanAvoidsTheNegativeROASTrap(seed: UInt64) throws {
        let data = history(seed: seed)
        // The spends really are correlated above 0.9.
        for a in 0..<6 { for b in (a + 1)..<6 { #expect(correlation(data.spend[a], data.spend[b]) > 0.9) } }

        let ols = leastSquares(data)
        #expect(ols.contains { $0 < 0 }, "least squares: \(ols)")
        let olsError = zip(ols, Self.coefficients).map { abs($0 - $1) }.reduce(0, +) / 6

        var spec = ModelSpecification()
        spec.saturation = .logistic
        spec.seasonality.order = 0
        spec.trend = .none
        var config = SamplerConfiguration()
        config.seed = 3
        config.warmup = 500
        config.draws = 500
        let posterior = try Posterior(model: try MediaMixModel(data: data, specification: spec), configuration: config)
        let roas = (0..<6).map { c in posterior.roas(channel: c).reduce(0, +) / Double(posterior.drawCount) }
        // With no carryover in the truth, a channel's ROAS over the period is its coefficient.
        let mixPlanError = zip(roas, Self.coefficients).map { abs($0 - $1) }.reduce(0, +) / 6
        for c in 0..<6 { #expect(posterior.totalContribution(channel: c).allSatisfy { $0 > 0 }) }
        #expect(mixPlanError <= olsError / 2, "mean |ROAS error|: MixPlan \(mixPlanError), OLS \(olsError); OLS \(ols), MixPlan \(roas)")
    }

    func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count), ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        let cov = zip(a, b).reduce(0) { $0 + ($1.0 - ma) * ($1.1 - mb) }
        let va = a.reduce(0) { $0 + ($1 - ma) * ($1 - ma) }, vb = b.reduce(0) { $0 + ($1 - mb) * ($1 - mb) }
        return cov / (va * vb).squareRoot()
    }
}
