import Foundation
import Testing
@testable import MediaModel
import Sampling

/// Layer 1 for curve families: every family's stated partial derivatives against central finite
/// differences of its own map, and planning kernels against the family's curve.
@Suite struct FamilyTests {
    static let context = ChannelContext(medianScaledSpend: 0.4, maxLag: 10)

    /// Each adstock family at two parameter points inside its support.
    static let adstockPoints: [(AdstockKind, [Double])] = [
        (.geometric, [0.35]), (.geometric, [0.8]), (.delayed, [0.5, 2.5]), (.delayed, [0.2, 0.3]),
        (.weibull, [2.5, 0.7]), (.weibull, [4, 2.2]),
    ]

    @Test(arguments: adstockPoints.indices)
    func adstockPartialsMatchCentralDifferences(point: Int) {
        let (kind, p) = Self.adstockPoints[point]
        let L = Self.context.maxLag
        #expect(kind.family.parameters(Self.context).count == p.count)
        var w = [Double](repeating: 0, count: L), partials = [Double](repeating: 0, count: L * p.count)
        kind.family.weights(p, maxLag: L, into: &w, partials: &partials)
        #expect(w.allSatisfy { $0 > 0 && $0.isFinite })
        for k in p.indices {
            let h = 1e-6 * max(1, abs(p[k]))
            var up = p, down = p
            up[k] += h; down[k] -= h
            let wu = kind.family.rawWeights(up, maxLag: L), wd = kind.family.rawWeights(down, maxLag: L)
            for l in 0..<L {
                let numeric = (wu[l] - wd[l]) / (2 * h)
                #expect(abs(numeric - partials[k * L + l]) <= 1e-6 * max(1, abs(numeric)), "\(kind) p\(k) lag \(l)")
            }
        }
    }

    @Test func weibullCarryoverFollowsItsDefinition() {
        // w̃ₗ = Πⱼ₌₁ˡ (1 − F(j)), F the Weibull CDF: with shape 1 and scale λ, exp(−l(l+1)/(2λ)).
        let w = AdstockKind.weibull.family.rawWeights([3, 1], maxLag: 6)
        for l in 0..<6 { #expect(abs(w[l] - exp(-Double(l * (l + 1)) / 6)) < 1e-14) }
        // A larger shape holds the effect longer before letting it go.
        let held = AdstockKind.weibull.family.normalizedWeights([3, 3], maxLag: 6)
        let quick = AdstockKind.weibull.family.normalizedWeights([3, 0.5], maxLag: 6)
        #expect(held[1] > quick[1] && held[5] < quick[5])
    }

    static let saturationPoints: [(SaturationKind, [Double])] = [
        (.hill, [0.4, 0.7]), (.hill, [0.9, 2.4]), (.logistic, [1.5]), (.logistic, [4]),
        (.michaelisMenten, [0.3]), (.michaelisMenten, [1.7]),
    ]

    @Test(arguments: saturationPoints.indices)
    func saturationPartialsMatchCentralDifferences(point: Int) {
        let (kind, p) = Self.saturationPoints[point]
        #expect(kind.family.parameters(Self.context).count == p.count)
        let inputs: [Double] = [0.01, 0.1, 0.3, 0.55, 0.8, 1, 1.4, 2.5, 6]
        let n = inputs.count
        var value = [Double](repeating: 0, count: n), dInput = value, dParameters = [Double](repeating: 0, count: n * p.count)
        kind.family.evaluate(inputs, count: n, parameters: p, value: &value, dInput: &dInput, dParameters: &dParameters)
        for (t, a) in inputs.enumerated() {
            #expect(value[t] > 0 && value[t] < 1, "\(kind) s(\(a)) = \(value[t])")
            let h = 1e-6 * a
            let numeric = (kind.family.values(at: [a + h], parameters: p)[0] - kind.family.values(at: [a - h], parameters: p)[0]) / (2 * h)
            #expect(abs(numeric - dInput[t]) <= 1e-6 * max(1, abs(numeric)), "\(kind) ∂s/∂a at \(a)")
            for k in p.indices {
                let hk = 1e-6 * p[k]
                var up = p, down = p
                up[k] += hk; down[k] -= hk
                let numeric = (kind.family.values(at: [a], parameters: up)[0] - kind.family.values(at: [a], parameters: down)[0]) / (2 * hk)
                #expect(abs(numeric - dParameters[k * n + t]) <= 1e-6 * max(1, abs(numeric)), "\(kind) ∂s/∂p\(k) at \(a)")
            }
        }
        // Zero spend saturates to nothing.
        #expect(kind.family.values(at: [0], parameters: p) == [0])
    }

    @Test func michaelisMentenIsHillOfSlopeOne() {
        let inputs = [0.05, 0.4, 1, 3]
        let mm = SaturationKind.michaelisMenten.family.values(at: inputs, parameters: [0.6])
        let hill = SaturationKind.hill.family.values(at: inputs, parameters: [0.6, 1])
        for (a, b) in zip(mm, hill) { #expect(abs(a - b) < 1e-14) }
    }

    @Test(arguments: [3, 13])
    func hillPlanningKernelEqualsTheGenericOne(horizon: Int) {
        // The rearranged Hill flight response against the family's own curve, draw by draw.
        var rng = SeededGenerator(seed: 21)
        let weights = (0..<6).map { _ in AdstockKind.geometric.family.normalizedWeights([0.2 + 0.6 * rng.uniform()], maxLag: 8) }
        let parameters = (0..<6).flatMap { _ in [0.2 + rng.uniform(), 0.5 + 2 * rng.uniform()] }
        let carry = FlightCarry(horizon: horizon, weights: weights)
        let fast = HillFlightResponse(carry: carry, parameters: parameters)
        let generic = GenericFlightResponse(family: HillSaturation(), carry: carry, parameters: parameters)
        for x in [0.05, 0.5, 1.3] {
            var v1 = [Double](repeating: 0, count: 6), s1 = v1, v2 = v1, s2 = v1
            fast.evaluate(x: x, values: &v1, slopes: &s1)
            generic.evaluate(x: x, values: &v2, slopes: &s2)
            for d in 0..<6 {
                #expect(abs(v1[d] - v2[d]) <= 1e-12 * abs(v2[d]), "value, draw \(d), x \(x)")
                #expect(abs(s1[d] - s2[d]) <= 1e-10 * abs(s2[d]), "slope, draw \(d), x \(x)")
            }
        }
    }

    @Test func scenarioNamesResolveToFamilies() {
        #expect(AdstockKind(rawValue: "weibull") == .weibull)
        #expect(SaturationKind(rawValue: "michaelis_menten") == .michaelisMenten)
        #expect(AdstockKind(rawValue: "hill") == nil)
        // Prior keys of every family can be overridden per channel.
        for key in ["adstock", "peak", "adstock_lambda", "adstock_shape", "half_saturation", "slope", "lambda"] {
            #expect(PriorOverrides.channelKeys.contains(key), "\(key)")
        }
    }
}
