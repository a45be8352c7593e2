import Foundation
import Testing
@testable import Autodiff

/// The lane-wise exp and log against the C library, over the ranges the model uses and beyond.
@Suite struct VectorMathTests {
    @Test func expAgreesWithTheCLibrary() {
        var rng = TestRandom(state: 5)
        let xs = (0..<4001).map { _ in (rng.next() * 2 - 1) * 700 } + [0, -0.0, 1e-300, 1, -1, 0.34657, -0.34657, 700, -700]
        var out = [Double](repeating: .nan, count: xs.count)
        xs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { VectorMath.exp(x.baseAddress!, into: $0.baseAddress!, count: xs.count) } }
        for (x, got) in zip(xs, out) {
            let want = Foundation.exp(x)
            #expect(abs(got - want) <= 4e-16 * want, "exp(\(x)) = \(got), C library \(want)")
        }
    }

    @Test func expClampsInsteadOfOverflowing() {
        let xs: [Double] = [-1000, 1000, -745, 710]
        var out = [Double](repeating: .nan, count: 4)
        xs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { VectorMath.exp(x.baseAddress!, into: $0.baseAddress!, count: 4) } }
        #expect(out.allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test func logAgreesWithTheCLibrary() {
        var rng = TestRandom(state: 6)
        let xs = (0..<4001).map { _ in Foundation.exp((rng.next() * 2 - 1) * 700) }
            + [1, 2, 0.5, 1.4142135623730951, 1.4142135623730954, 0.7071067811865476, 1e-300, 1e300, 3, 1 + 1e-12, 1 - 1e-12]
        var out = [Double](repeating: .nan, count: xs.count)
        xs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { VectorMath.log(x.baseAddress!, into: $0.baseAddress!, count: xs.count) } }
        for (x, got) in zip(xs, out) {
            let want = Foundation.log(x)
            // Near x = 1 the result is tiny; judge it against the input's own rounding there.
            #expect(abs(got - want) <= 4e-16 * max(abs(want), abs(x - 1), 1e-300) + 1e-300, "log(\(x)) = \(got), C library \(want)")
        }
    }

    @Test func oddLengthsReachTheLastElement() {
        for n in [1, 2, 3, 7] {
            let xs = (1...n).map { Double($0) / 3 }
            var out = [Double](repeating: .nan, count: n)
            xs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { VectorMath.log(x.baseAddress!, into: $0.baseAddress!, count: n) } }
            #expect(zip(xs, out).allSatisfy { abs($1 - Foundation.log($0)) < 1e-15 })
        }
    }
}
