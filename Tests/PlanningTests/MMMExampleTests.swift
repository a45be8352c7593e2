import Foundation
import Testing
import MediaModel
import Sampling
@testable import Planning

/// PyMC-Marketing's public example (Fixtures/SOURCE.md): the true contributions of x1 and x2,
/// recomputed here from the published generating process, must fall inside MixPlan's 90% bands.
@Suite struct MMMExampleTests {
    /// Σ_t 1000·β·logistic(adstock(x)_t; λ) with normalized geometric weights over 8 weeks.
    func trueContribution(_ x: [Double], alpha: Double, lambda: Double, beta: Double) -> Double {
        let raw = (0..<8).map { pow(alpha, Double($0)) }
        let w = raw.map { $0 / raw.reduce(0, +) }
        var total = 0.0
        for t in x.indices {
            var a = 0.0
            for l in 0..<8 where t - l >= 0 { a += w[l] * x[t - l] }
            total += 1000 * beta * (1 - exp(-lambda * a)) / (1 + exp(-lambda * a))
        }
        return total
    }

    @Test func trueContributionsInsideTheBands() throws {
        var spec = ModelSpecification()
        spec.adstock = .geometric
        spec.maxLag = 8
        spec.saturation = .logistic
        spec.trend = .none  // the data carry their trend as the control t
        let data = DataSpecification(file: fixtures.appendingPathComponent("mmm_example.csv").path, date: "date_week",
                                     target: "y", channels: ["x1", "x2"], controls: ["event_1", "event_2", "t"])
        var sampler = SamplerConfiguration()
        sampler.seed = 1
        let fit = try FitRun.run(Scenario(name: "mmm example", file: "test", data: data, model: spec, sampler: sampler))
        let dataset = fit.posterior.model.data
        let truth = [trueContribution(dataset.spend[0], alpha: 0.4, lambda: 4, beta: 3),
                     trueContribution(dataset.spend[1], alpha: 0.2, lambda: 3, beta: 2)]
        for (c, summary) in fit.channels.enumerated() {
            #expect(summary.contribution.contains(truth[c]), "\(summary.channel): truth \(truth[c]), band \(summary.contribution)")
            #expect(summary.roas.contains(truth[c] / dataset.totalSpend[c]))
        }
        #expect(fit.convergence.maxRHat < 1.01)
        #expect(fit.convergence.minBulkESS > 400)
        // The decays are recovered too.
        let alpha = fit.summaries.first { $0.name == "adstock_alpha.1" }!.summary
        #expect(alpha.lower < 0.4 && 0.4 < alpha.upper)
    }
}
