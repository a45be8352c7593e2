import Foundation
import Testing
@testable import MediaModel
@testable import Simulation
import Sampling

/// Layer 1: the analytic gradient of every model variant against central finite differences.
@Suite struct GradientTests {
    struct Variant: CustomStringConvertible, Sendable {
        var adstock: AdstockKind
        var saturation: SaturationKind
        var likelihood: Likelihood
        var roasPrior: Bool
        var trend: TrendKind
        var liftTests: Bool
        var description: String { "\(adstock)/\(saturation)/\(likelihood)/roas:\(roasPrior)/trend:\(trend)/lift:\(liftTests)" }
    }

    static let variants: [Variant] = {
        var out: [Variant] = []
        for adstock in AdstockKind.allCases {
            for saturation in SaturationKind.allCases {
                for likelihood in [Likelihood.normal, .studentT(degreesOfFreedom: 5)] {
                    for roas in [false, true] {
                        for lift in [false, true] {
                            out.append(Variant(adstock: adstock, saturation: saturation, likelihood: likelihood,
                                               roasPrior: roas, trend: roas ? .none : .linear, liftTests: lift))
                        }
                    }
                }
            }
        }
        return out
    }()

    @Test(arguments: variants)
    func gradientMatchesCentralDifferences(variant: Variant) throws {
        let history = fourChannelTruth(saturation: variant.saturation, adstock: variant.adstock, periods: 40).simulate(seed: 3)
        var spec = ModelSpecification()
        spec.adstock = variant.adstock
        spec.saturation = variant.saturation
        spec.likelihood = variant.likelihood
        spec.trend = variant.trend
        spec.maxLag = 6
        if variant.roasPrior {
            spec.priors.roas["tv"] = (mean: 2, sd: 1)
            spec.priors.roas["display"] = (mean: 4, sd: 2)
        }
        if variant.liftTests {
            // A raise on tv, a test from zero on display, a cut on the third channel.
            let weekly = history.dataset.spend.map { $0.reduce(0, +) / Double($0.count) }
            let third = history.dataset.channels[2]
            spec.liftTests = [
                LiftTest(channel: "tv", spend: weekly[0], change: 0.3 * weekly[0], lift: 0.05 * weekly[0], standardError: 0.02 * weekly[0]),
                LiftTest(channel: "display", spend: 0, change: weekly[3], lift: weekly[3], standardError: 0.5 * weekly[3]),
                LiftTest(channel: third, spend: 1.2 * weekly[2], change: -0.5 * weekly[2], lift: -0.4 * weekly[2], standardError: 0.1 * weekly[2]),
            ]
        }
        let model = try MediaMixModel(data: history.dataset, specification: spec)
        expectGradientMatchesFiniteDifferences(model, points: 4, spread: 0.8, seed: 17, label: "\(variant)")
    }

    @Test func constantSpendAdstocksToItself() throws {
        // Normalized weights: a constant weekly spend x adstocks to x once the lags are filled.
        var truth = fourChannelTruth(saturation: .logistic, periods: 30)
        truth.channels = [truth.channels[0]]
        var history = truth.simulate(seed: 1)
        history.dataset.spend = [Array(repeating: 50, count: 30)]
        for kind in AdstockKind.allCases {
            var spec = ModelSpecification()
            spec.adstock = kind
            spec.saturation = .logistic
            let model = try MediaMixModel(data: history.dataset, specification: spec)
            // λ huge would saturate; use the identity-like regime instead: compare against the
            // closed form tanh(λ·x/2) for x = 1 (50 is the channel's maximum).
            var values = model.parameters.map { p -> Double in
                switch p.support { case .real: 0; case .positive: 1; case .unitInterval: 0.5; case .interval: 2 }
            }
            let lambdaIndex = try #require(model.parameters.firstIndex { $0.name == "saturation_lambda.1" })
            values[lambdaIndex] = 0.8
            let d = model.decompose(unconstrained: model.unconstrained(values))
            let beta = d.beta[0]
            let expected = beta * tanh(0.8 * 1 / 2)
            for t in 8..<30 { #expect(abs(d.contributions[0][t] - expected) < 1e-9 * expected) }
            // Before the lags fill, less has carried over.
            #expect(d.contributions[0][0] < expected)
        }
    }

    @Test(arguments: SaturationKind.allCases)
    func seriesSaturationMatchesThePointwiseCurve(kind: SaturationKind) {
        // The family's batched pass against the same curve one input at a time, zero spend included.
        let inputs: [Double] = [0, 1e-9, 0.003, 0.2, 0.5, 0.9, 1, 1.7, 40, 0]
        for parameters in [[0.4, 0.7], [0.5, 1], [1.3, 2.6]] {
            let p = Array(parameters.prefix(kind.family.parameters(.init(medianScaledSpend: 0.5, maxLag: 8)).count))
            func run(_ a: [Double]) -> [[Double]] {
                var value = [Double](repeating: .nan, count: a.count), dInput = value
                var dParameters = [Double](repeating: .nan, count: a.count * p.count)
                kind.family.evaluate(a, count: a.count, parameters: p, value: &value, dInput: &dInput, dParameters: &dParameters)
                var rows: [[Double]] = [value, dInput]
                for k in 0..<p.count { rows.append(Array(dParameters[(k * a.count)..<((k + 1) * a.count)])) }
                return rows
            }
            let batched = run(inputs)
            for (t, a) in inputs.enumerated() {
                let single = run([a])
                for (got, want) in zip(batched.map { $0[t] }, single.map { $0[0] }) {
                    #expect(abs(got - want) <= 1e-13 * max(1, abs(want)), "\(kind) a=\(a) p=\(p): \(got) vs \(want)")
                }
            }
        }
    }

    @Test func adstockMatchesItsDefinition() {
        // out[t] = Σ_l w_l·x[t−l] / Σ w, with nothing before the series; shorter series than lags too.
        for count in [3, 8, 20] {
            let x = (0..<count).map { Double(($0 * 37) % 11) + 0.5 }
            let raw = AdstockKind.geometric.family.rawWeights([0.6], maxLag: 8)
            let w = AdstockKind.geometric.family.normalizedWeights([0.6], maxLag: 8)
            var out = [Double](repeating: .nan, count: count)
            applyCarryover(x, count: count, weights: raw, maxLag: 8, total: raw.reduce(0, +), into: &out)
            for t in 0..<count {
                var expected = 0.0
                for l in 0...min(t, 7) { expected += w[l] * x[t - l] }
                #expect(abs(out[t] - expected) <= 1e-12 * expected, "count \(count) t \(t)")
            }
            // The adjoint's lagged sums.
            let a = (0..<count).map { sin(Double($0)) }
            for lag in 0..<min(8, count) {
                let direct = (lag..<count).reduce(0.0) { $0 + a[$1] * x[$1 - lag] }
                let dot = a.withUnsafeBufferPointer { ap in x.withUnsafeBufferPointer { laggedDot(ap.baseAddress!, $0.baseAddress!, count: count, lag: lag) } }
                #expect(abs(dot - direct) <= 1e-12 * max(1, abs(direct)))
            }
        }
    }
}
