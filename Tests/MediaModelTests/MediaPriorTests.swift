import Foundation
import Testing
import Sampling
@testable import MediaModel
@testable import Simulation

/// The default media priors say what they claim, and stacked response curves are their parts'.
@Suite struct MediaPriorTests {
    let data = Dataset(dates: isoWeeks(from: "2024-01-01", count: 4), targetName: "units", target: [100, 120, 90, 110],
                       channels: ["a", "b", "c"], spend: [[10, 20, 10, 0], [5, 5, 5, 5], [1, 0, 2, 1]],
                       controlNames: [], controls: [])

    @Test func mediaShareImpliesTheStatedShare() throws {
        var spec = ModelSpecification()
        spec.mediaPrior = .mediaShare(mean: 0.4, sd: 0.2)
        guard case .logNormal(let mu, let sigma) = try #require(spec.roasPrior(channel: "a", data: data)) else {
            Issue.record("expected a log-normal"); return
        }
        // Every channel gets the same log-normal: its mean and variance, summed over the
        // channels' spends, give the stated share of the total target.
        let mean = exp(mu + sigma * sigma / 2), variance = (exp(sigma * sigma) - 1) * mean * mean
        let spend = data.totalSpend, target = data.target.reduce(0, +)
        #expect(abs(mean * spend.reduce(0, +) / target - 0.4) < 1e-12)
        #expect(abs((variance * spend.reduce(0) { $0 + $1 * $1 }).squareRoot() / target - 0.2) < 1e-12)
        #expect(spec.roasPrior(channel: "b", data: data) == spec.roasPrior(channel: "a", data: data))
    }

    @Test func statedPriorsWinOverTheDefault() {
        var spec = ModelSpecification()
        #expect(spec.roasPrior(channel: "a", data: data) == .logNormal(mu: 0.2, sigma: 0.9))
        spec.priors.roas["a"] = (mean: 2, sd: 0.5)
        spec.priors.channel["b"] = ["beta": .halfNormal(sd: 1)]
        #expect(spec.roasPrior(channel: "a", data: data) == .logNormal(mean: 2, sd: 0.5))
        #expect(spec.roasPrior(channel: "b", data: data) == nil)  // β keeps its stated prior
        spec.mediaPrior = .spendShare
        #expect(spec.roasPrior(channel: "c", data: data) == nil)
    }

    @Test func contractionIsOneMinusTheVarianceRatioOfLogs() throws {
        // Log-normal draws of log-sd 0.45 under a prior of log-sd 0.9: 1 − 0.45²/0.9² = 0.75.
        var rng = SeededGenerator(seed: 3, stream: 1)
        let z = (0..<4000).map { _ in rng.normal() }
        let narrowed = try #require(posteriorContraction(z.map { exp(0.3 + 0.45 * $0) }, priorLogSD: 0.9))
        #expect(abs(narrowed - 0.75) < 0.03, "\(narrowed)")
        // Draws as wide as the prior: nothing learned; one draw: no answer.
        let wide = try #require(posteriorContraction(z.map { exp(0.9 * $0) }, priorLogSD: 0.9))
        #expect(abs(wide) < 0.08, "\(wide)")
        // Draws wider than the prior (a curve shape the prior on ROAS does not hold still): not
        // narrowed, 0, never a negative share.
        #expect(try #require(posteriorContraction(z.map { exp(1.2 * $0) }, priorLogSD: 0.9)) == 0)
        #expect(posteriorContraction([2], priorLogSD: 0.9) == nil)
        // Exactly: logs {0, 2} have variance 2, so against σ = 2 the contraction is 1 − 2/4.
        #expect(abs(try #require(posteriorContraction([1, exp(2)], priorLogSD: 2)) - 0.5) < 1e-12)
    }

    @Test func stackedCurvesAreTheirComponentsDraws() {
        func curve(_ kind: SaturationKind, draws: Int, shift: Double) -> ResponseCurve {
            let k = kind.family.parameters(.neutral).count
            return ResponseCurve(channel: "a", saturation: kind, horizon: 13, spendScale: 50,
                                 adstockWeights: (0..<draws).map { d in
                                     let w = (0..<4).map { pow(0.3 + 0.1 * Double(d), Double($0)) }
                                     return w.map { $0 / w.reduce(0, +) }
                                 },
                                 beta: (0..<draws).map { 100 + shift + Double($0) },
                                 parameters: (0..<draws).map { d in Array([0.4 + 0.05 * Double(d), 1.5][..<k]) })
        }
        let hill = curve(.hill, draws: 5, shift: 0), logistic = curve(.logistic, draws: 4, shift: 7)
        let picks = [[0, 3, 4], [1, 2]]
        let mixed = ResponseCurve(mixing: [hill, logistic], draws: picks)
        #expect(mixed.drawCount == 5)
        func values(_ c: ResponseCurve, _ b: Double) -> [Double] {
            var v = [Double](repeating: 0, count: c.drawCount), s = v
            c.evaluate(budget: b, values: &v, slopes: &s)
            return v + s
        }
        for budget in [30.0, 300.0, 900.0] {
            let a = values(hill.subset(picks[0]), budget).chunked(3), b = values(logistic.subset(picks[1]), budget).chunked(2)
            #expect(values(mixed, budget) == a.values + b.values + a.slopes + b.slopes)
        }
        // A subset across the parts' boundary reads the same draws.
        let sub = mixed.subset([4, 1, 2])
        let whole = values(mixed, 300)
        #expect(values(sub, 300) == [whole[4], whole[1], whole[2], whole[9], whole[6], whole[7]])
    }

    @Test func stacksKeepDrawsInProportionToTheWeights() {
        #expect(PosteriorStack.drawCounts(weights: [0.62, 0.38], total: 1000) == [620, 380])
        let counts = PosteriorStack.drawCounts(weights: [0.334, 0.333, 0.333], total: 1000)
        #expect(counts.reduce(0, +) == 1000 && counts == [334, 333, 333])
        #expect(PosteriorStack.drawCounts(weights: [0.999, 0.001], total: 100) == [100, 0])
    }
}

private extension Array where Element == Double {
    /// Values then slopes of a curve's evaluation with `n` draws.
    func chunked(_ n: Int) -> (values: [Double], slopes: [Double]) { (Array(self[..<n]), Array(self[n...])) }
}
