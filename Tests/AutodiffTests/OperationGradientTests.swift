import Foundation
import Testing
@testable import Autodiff

/// Layer 1: every operation's adjoint against central finite differences, and the engine's own
/// bookkeeping (accumulation into shared inputs, fixed nodes left alone).
@Suite struct OperationGradientTests {
    static let supports: [Support] = [.real, .positive, .unitInterval, .interval(lower: -1, upper: 3)]

    @Test func constrainWithItsLogJacobian() {
        checkGradient(inputCount: 8) { b, x in
            let (value, jacobian) = b.constrain(x, supports: (0..<8).map { Self.supports[$0 % 4] })
            return b.gather([(value, 0), (value, 1), (value, 2), (value, 3), (value, 5), (value, 6), (value, 7), (jacobian, 0)])
        }
    }

    @Test func gatherRepeatsAndAccumulates() {
        checkGradient(inputCount: 4) { b, x in b.gather(x, indices: [3, 0, 0, 2, 3, 3]) }
    }

    @Test func linearForm() {
        checkGradient(inputCount: 5) { b, x in
            let squared = b.multiply(x, x)
            return b.linearForm([(squared, 0, 2), (x, 4, -1.5), (squared, 0, 0.25)], constant: 3)
        }
    }

    @Test(arguments: [Elementwise.Kind.add, .subtract, .multiply, .divide])
    func elementwise(kind: Elementwise.Kind) {
        checkGradient(inputCount: 7) { b, x in
            let a = x.slice(0..<3), c = x.slice(3..<6), scalar = x[6]
            // Keep denominators away from zero.
            let positive = b.constrain(c, supports: [.positive, .positive, .positive]).value
            let full = b.elementwise(kind, a, positive)
            let broadcastRight = b.elementwise(kind, a, b.constrain(scalar, supports: [.positive]).value)
            let broadcastLeft = b.elementwise(kind, scalar, positive)
            return b.gather([(full, 0), (full, 1), (full, 2), (broadcastRight, 1), (broadcastLeft, 2)])
        }
    }

    @Test func rowOperations() {
        // x as [3 rows, 5 periods]; scales for two "channels" shared by rows 0 and 2.
        checkGradient(inputCount: 15 + 2 + 10) { b, x in
            let matrix = x.slice(0..<15), scale = x.slice(15..<17), base = x.slice(17..<27)
            let scaled = b.scaleRows(matrix, by: scale, rowScale: [0, 1, 0], length: 5)
            let sums = b.rowSum(scaled, length: 5)
            let grouped = b.sumRows(scaled, into: base, rowGroup: [1, 0, 1], length: 5)
            return b.gather((0..<3).map { (sums, $0) } + (0..<10).map { (grouped, $0) })
        }
    }

    @Test func fixedDesign() {
        var rng = TestRandom(state: 9)
        let design = (0..<(4 * 11)).map { _ in rng.normal() }
        checkGradient(inputCount: 4) { b, x in b.design(design, coefficients: x, length: 11) }
    }

    @Test func rowDesignPerGeo() {
        var rng = TestRandom(state: 11)
        // 3 rows (geos) × 4 terms × 7 periods, coefficients [3 · 4] partly shared through a gather.
        let design = (0..<(3 * 4 * 7)).map { _ in rng.normal() }
        checkGradient(inputCount: 6) { b, x in
            let coefficients = b.gather(x, indices: [0, 1, 2, 3, 0, 4, 2, 3, 0, 5, 2, 1])
            return b.rowDesign(design, coefficients: coefficients, rows: 3, length: 7)
        }
    }

    @Test func locationScaleNonCentred() {
        checkGradient(inputCount: 6) { b, x in
            let scale = b.constrain(x[1], supports: [.positive]).value
            return b.locationScale(loc: x[0], scale: scale, z: x.slice(2..<6))
        }
    }

    @Test(arguments: [LocationScaleLikelihood.Family.normal, .studentT(degreesOfFreedom: 4)])
    func likelihoodWithParameterScale(family: LocationScaleLikelihood.Family) {
        let y = [0.3, -1.2, 2.5, 0.1, 0.9]
        checkGradient(inputCount: 6) { b, x in
            let observed = b.constant(y)
            let sigma = b.constrain(x[5], supports: [.positive]).value
            let (total, pointwise) = b.likelihood(family, observed: observed, mean: x.slice(0..<5), scale: sigma, pointwise: true)
            return b.gather([(total, 0), (pointwise!, 1), (pointwise!, 4)])
        }
    }

    @Test func likelihoodWithFixedScalesPerObservation() {
        checkGradient(inputCount: 3) { b, x in
            let observed = b.constant([1, 2, 3]), scales = b.constant([0.5, 1, 2])
            return b.likelihood(.normal, observed: observed, mean: x, scale: scales).total
        }
    }

    @Test func pointwiseLikelihoodIsTheNormalizedDensity() {
        // The pointwise values are full log densities (what PSIS-LOO needs), the total drops constants.
        var b = ProgramBuilder(inputCount: 1)
        let sigma = b.constrain(b.input, supports: [.positive]).value
        let (total, pointwise) = b.likelihood(.studentT(degreesOfFreedom: 3), observed: b.constant([1.5, -0.5]),
                                              mean: b.constant([0.5, 0.5]), scale: sigma, pointwise: true)
        let program = b.program(output: total)
        let w = program.makeWorkspace()
        program.forward([log(2.0)], in: w)
        // Student-t(3) density at z = ±0.5 with σ = 2: Γ(2)/(Γ(1.5)√(3π))·(1 + z²/3)^(−2) / σ.
        let density = tgamma(2) / (tgamma(1.5) * (3 * Double.pi).squareRoot()) * pow(1 + 0.25 / 3, -2) / 2
        for i in 0..<2 { #expect(abs(w.read(pointwise!, i) - log(density)) < 1e-12) }
        #expect(abs(w.read(total, 0) - 2 * (log(density) - log(tgamma(2) / (tgamma(1.5) * (3 * Double.pi).squareRoot())))) < 1e-12)
    }

    @Test func fixedNodesGetNoBackwardPass() {
        // An operation reading only constants is not differentiable; one reading the input is.
        var b = ProgramBuilder(inputCount: 2)
        let c = b.constant([1, 2])
        let fixed = b.add(c, c)
        #expect(!b.isVariable(fixed))
        let moving = b.multiply(fixed, b.input)
        #expect(b.isVariable(moving))
        let output = b.total([moving])
        let program = b.program(output: output)
        let (value, gradient) = valueAndGradient(program, [3, 5])
        #expect(value == 2 * 3 + 4 * 5)
        #expect(gradient == [2, 4])
    }

    @Test func aNonFiniteOutputIsMinusInfinityWithZeroGradient() {
        var b = ProgramBuilder(inputCount: 1)
        let one = b.constant([1])
        let output = b.divide(one, b.input)
        let program = b.program(output: output)
        let (value, gradient) = valueAndGradient(program, [0])
        #expect(value == -.infinity && gradient == [0])
    }

    func valueAndGradient(_ program: Program, _ x: [Double]) -> (Double, [Double]) {
        let w = program.makeWorkspace()
        var g = [Double](repeating: .nan, count: x.count)
        let v = x.withUnsafeBufferPointer { xs in g.withUnsafeMutableBufferPointer { program.valueAndGradient(at: xs, gradient: $0, in: w) } }
        return (v, g)
    }
}
