import Foundation
import Testing
@testable import ModelComparison

/// The stored ArviZ figures (Fixtures/loo_expected.py writes Fixtures/loo_expected.json).
struct LOOFixture: Decodable {
    struct Case: Decodable {
        let name: String
        let reff: Double
        let log_likelihood: [[Double]]
        let elpd, se, p_loo, good_k: Double
        let elpd_i, pareto_k: [Double]
    }
    struct Stacking: Decodable {
        struct Model: Decodable { let name: String; let elpd_i: [Double] }
        let models: [Model]
        let weights: [String: Double]
        /// az.compare(method="BB-pseudo-BMA"): 1000 Dirichlet replicates, ArviZ's own seed.
        let pseudo_bma_weights: [String: Double]
    }
    let arviz: String
    let cases: [Case]
    let stacking: Stacking

    static let stored: LOOFixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/loo_expected.json")
        return try! JSONDecoder().decode(LOOFixture.self, from: Data(contentsOf: url))
    }()
}

/// PSIS-LOO against ArviZ's az.loo on the same pointwise log-likelihoods and r_eff, stacking
/// against az.compare's weights and the optimum's own conditions, and pseudo-BMA+ against
/// az.compare's Bayesian-bootstrap weights.
@Suite struct LeaveOneOutTests {
    @Test(arguments: LOOFixture.stored.cases.indices)
    func matchesArviz(index: Int) {
        let c = LOOFixture.stored.cases[index]
        let loo = LeaveOneOut(logLikelihood: c.log_likelihood, relativeEfficiency: c.reff)
        func close(_ a: Double, _ b: Double, _ what: String, _ tolerance: Double = 1e-9) {
            #expect(abs(a - b) <= tolerance * max(1, abs(b)), "\(c.name) \(what): ours \(a), ArviZ \(b)")
        }
        close(loo.elpd, c.elpd, "elpd_loo")
        close(loo.standardError, c.se, "se")
        close(loo.effectiveParameters, c.p_loo, "p_loo")
        for i in c.elpd_i.indices {
            close(loo.pointwise[i], c.elpd_i[i], "elpd_loo,\(i)")
            close(loo.paretoK[i], c.pareto_k[i], "k̂ \(i)")
        }
        close(ParetoSmoothing.threshold(draws: c.log_likelihood.count), c.good_k, "k̂ threshold")
    }

    @Test func theOutlierIsFlagged() {
        // The first case's last observation is an outlier: its k̂ is the largest, and at r_eff 0.5
        // it crosses the threshold, which ArviZ also reports.
        let c = LOOFixture.stored.cases[1]
        let loo = LeaveOneOut(logLikelihood: c.log_likelihood, relativeEfficiency: c.reff)
        #expect(loo.paretoK.last == loo.paretoK.max())
        #expect(loo.badParetoK == c.pareto_k.filter { $0 > c.good_k }.count)
        #expect(loo.badParetoK >= 1)
    }

    @Test func smoothedWeightsAreNormalizedAndKeepTheirOrder() {
        let ratios = (0..<1000).map { i in 3 * sin(Double(i) * 1.7) + Double(i % 13) / 4 }
        let (w, k) = ParetoSmoothing.smooth(logRatios: ratios)
        #expect(abs(w.map(exp).reduce(0, +) - 1) < 1e-12)
        #expect(k.isFinite)
        // Smoothing keeps the ratios' order (the tail is replaced by increasing quantiles).
        let order = ratios.indices.sorted { ratios[$0] < ratios[$1] }
        for (a, b) in zip(order, order.dropFirst()) { #expect(w[a] <= w[b] + 1e-12) }
    }

    @Test func generalizedParetoFitRecoversAKnownShape() {
        // Exceedances drawn from a GPD of shape 0.5, scale 1 by inverting its CDF at evenly spaced
        // probabilities: the fit's k̂ is near 0.5 (the prior pulls it toward 0.5 anyway, so also
        // check a shape far from it).
        for shape in [0.5, 0.1, 0.9] {
            let n = 2000
            let x = (0..<n).map { GeneralizedPareto.quantile((Double($0) + 0.5) / Double(n), shape: shape, scale: 1, location: 0) }
            let (k, sigma) = GeneralizedPareto.fit(sortedExceedances: x)
            #expect(abs(k - shape) < 0.05, "shape \(shape): k̂ \(k)")
            #expect(abs(sigma - 1) < 0.1, "shape \(shape): σ̂ \(sigma)")
        }
    }

    @Test func stackingMatchesArviz() {
        let s = LOOFixture.stored.stacking
        let w = Stacking.weights(pointwise: s.models.map(\.elpd_i))
        for (k, model) in s.models.enumerated() {
            // az.compare stops SciPy's SLSQP at its default tolerance; ours runs to the optimum.
            #expect(abs(w[k] - s.weights[model.name]!) < 2e-3, "\(model.name): ours \(w[k]), ArviZ \(s.weights[model.name]!)")
        }
        #expect(Stacking.score(w, pointwise: s.models.map(\.elpd_i))
                >= Stacking.score(s.models.map { s.weights[$0.name]! }, pointwise: s.models.map(\.elpd_i)) - 1e-9)
    }

    @Test func stackingSatisfiesTheOptimalityConditions() {
        // At the optimum every model with weight has the same marginal score n, and models at 0
        // no more (KKT on the simplex): ∂/∂wₖ Σᵢ log Σⱼ wⱼpᵢⱼ = Σᵢ pᵢₖ/Σⱼ wⱼpᵢⱼ.
        let first: [Double] = (0..<40).map { i in -1.0 - 0.3 * sin(Double(i)) }
        let second: [Double] = (0..<40).map { i in -1.0 + 0.3 * cos(Double(i) * 0.7) }
        let dominated = [Double](repeating: -3, count: 40)  // worse everywhere: weight 0
        let pointwise = [first, second, dominated]
        let w = Stacking.weights(pointwise: pointwise)
        #expect(abs(w.reduce(0, +) - 1) < 1e-12)
        #expect(w[2] < 1e-6)
        var gradient = [0.0, 0.0, 0.0]
        for i in 0..<40 {
            var mix = 0.0
            for j in 0..<3 { mix += w[j] * exp(pointwise[j][i]) }
            for k in 0..<3 { gradient[k] += exp(pointwise[k][i]) / mix }
        }
        #expect(w[0] > 0.05 && w[1] > 0.05, "both informative models share the weight: \(w)")
        for k in 0..<3 {
            if w[k] > 1e-6 { #expect(abs(gradient[k] - 40) < 1e-4, "model \(k): \(gradient[k]), weight \(w[k])") }
            else { #expect(gradient[k] <= 40 + 1e-4, "model \(k) at 0: \(gradient[k])") }
        }
    }

    @Test func pseudoBMAMatchesArviz() {
        let s = LOOFixture.stored.stacking
        let w = PseudoBMA.weights(pointwise: s.models.map(\.elpd_i))
        #expect(abs(w.reduce(0, +) - 1) < 1e-12)
        for (k, model) in s.models.enumerated() {
            // Both average 1000 bootstrap replicates drawn with different generators: they agree
            // to Monte Carlo error, not to rounding.
            let arviz = s.pseudo_bma_weights[model.name]!
            #expect(abs(w[k] - arviz) < 0.03, "\(model.name): ours \(w[k]), ArviZ \(arviz)")
        }
    }

    @Test func pseudoBMAIsTheSoftmaxOfElpdWhenDifferencesAreCertain() {
        // Pointwise elpd differing by the same amount at every observation: every bootstrap
        // replicate sees the same totals' differences, so the weights are exactly exp(elpd)/Σ.
        let base: [Double] = (0..<30).map { -1.2 - 0.4 * sin(Double($0)) }
        let shifts = [0.0, -1.0, -3.0]
        let pointwise = shifts.map { c in base.map { $0 + c / 30 } }
        let w = PseudoBMA.weights(pointwise: pointwise, replicates: 50)
        let e = shifts.map { exp($0) }, total = e.reduce(0, +)
        for k in 0..<3 { #expect(abs(w[k] - e[k] / total) < 1e-12, "model \(k): \(w[k]) vs \(e[k] / total)") }
        // Models the data cannot tell apart share the weight evenly, where stacking may pick one.
        #expect(PseudoBMA.weights(pointwise: [base, base]) == [0.5, 0.5])
        // No observations, or a model impossible at some week: no NaN.
        #expect(PseudoBMA.weights(pointwise: [[], []]) == [0.5, 0.5])
        var impossible = base
        impossible[3] = -.infinity
        #expect(PseudoBMA.weights(pointwise: [base, impossible]) == [1, 0])
    }

    @Test func tooFewDrawsAreFlaggedNotTrapped() {
        let loo = LeaveOneOut(logLikelihood: [[-1, -2], [-1.5, -2.2], [-0.9, -1.8]])
        #expect(loo.badParetoK == 2 && loo.elpd.isFinite)
    }

    @Test func oneModelGetsAllTheWeight() {
        #expect(Stacking.weights(pointwise: [[-1, -2]]) == [1])
    }
}
