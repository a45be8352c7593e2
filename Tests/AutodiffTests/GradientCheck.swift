import Foundation
import Testing
@testable import Autodiff

/// A seeded stream for test inputs (the engine has no random numbers of its own).
struct TestRandom {
    var state: UInt64
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
    mutating func normal() -> Double {
        let u = max(next(), 1e-300), v = next()
        return (-2 * Foundation.log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

/// Builds a program whose input is `inputCount` coordinates, lets `body` compose operations into
/// some output node, reduces that node to a scalar with fixed random weights (so every output
/// element's adjoint is exercised), and checks the reverse-mode gradient against central finite
/// differences at a few random points.
func checkGradient(inputCount: Int, seed: UInt64 = 1, points: Int = 3, spread: Double = 1,
                   tolerance: Double = 1e-6, _ body: (inout ProgramBuilder, Node) -> Node,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    var builder = ProgramBuilder(inputCount: inputCount)
    let result = body(&builder, builder.input)
    var rng = TestRandom(state: seed)
    let weights = builder.constant((0..<result.count).map { _ in rng.normal() })
    let weighted = builder.multiply(result, weights)
    let total = builder.total([weighted])
    let program = builder.program(output: total)
    let w = program.makeWorkspace()
    for _ in 0..<points {
        let x = (0..<inputCount).map { _ in rng.normal() * spread }
        var gradient = [Double](repeating: .nan, count: inputCount)
        let value = x.withUnsafeBufferPointer { xs in gradient.withUnsafeMutableBufferPointer { program.valueAndGradient(at: xs, gradient: $0, in: w) } }
        #expect(value.isFinite, sourceLocation: sourceLocation)
        func f(_ x: [Double]) -> Double {
            program.forward(x, in: w)
            return w.read(program.output, 0)
        }
        for i in 0..<inputCount {
            let h = 1e-6 * max(1, abs(x[i]))
            var up = x, down = x
            up[i] += h; down[i] -= h
            let numeric = (f(up) - f(down)) / (2 * h)
            #expect(abs(numeric - gradient[i]) <= tolerance * max(1, abs(numeric)),
                    "coordinate \(i): reverse mode \(gradient[i]), central difference \(numeric)", sourceLocation: sourceLocation)
        }
    }
}
