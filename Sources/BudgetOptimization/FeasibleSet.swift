/// The plans that spend exactly the budget within every channel's bounds:
/// { b : Σ b_c = B, lo_c ≤ b_c ≤ hi_c }.
struct FeasibleSet: Sendable {
    let budget: Double
    let lower: [Double]
    let upper: [Double]

    init(_ problem: BudgetProblem) {
        budget = problem.budget; lower = problem.lower; upper = problem.upper
    }

    init(budget: Double, lower: [Double], upper: [Double]) {
        self.budget = budget; self.lower = lower; self.upper = upper
    }

    /// The closest feasible plan (Euclidean): clamp(x_c + τ, lo_c, hi_c) with the shift τ found by
    /// bisection, then the last rounding error placed on a channel with room.
    func project(_ x: [Double]) -> [Double] {
        let n = x.count
        func total(_ tau: Double) -> Double {
            var s = 0.0
            for c in 0..<n { s += min(max(x[c] + tau, lower[c]), upper[c]) }
            return s
        }
        var lo = -budget - (x.map(abs).max() ?? 0) - 1, hi = budget + (x.map(abs).max() ?? 0) + 1
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if total(mid) < budget { lo = mid } else { hi = mid }
            if hi - lo <= 1e-15 * max(1, abs(mid)) { break }
        }
        var y = (0..<n).map { min(max(x[$0] + 0.5 * (lo + hi), lower[$0]), upper[$0]) }
        // Put the remaining rounding error where it fits, so Σ y equals the budget to the last bit
        // that matters.
        let residual = budget - y.reduce(0, +)
        if residual != 0, let c = (0..<n).max(by: { room(y, $0, residual) < room(y, $1, residual) }) {
            y[c] = min(max(y[c] + residual, lower[c]), upper[c])
        }
        return y
    }

    private func room(_ y: [Double], _ c: Int, _ residual: Double) -> Double {
        residual > 0 ? upper[c] - y[c] : y[c] - lower[c]
    }

    /// The plan that spreads what the minimums leave evenly, then projects.
    func evenSplit(channels n: Int) -> [Double] {
        project(Array(repeating: budget / Double(n), count: n))
    }

    /// A random feasible plan: random shares of the budget, projected.
    func random(channels n: Int, using rng: inout SplitMix) -> [Double] {
        let weights = (0..<n).map { _ in -log(max(rng.uniform(), 1e-300)) }
        let total = weights.reduce(0, +)
        return project(weights.map { $0 / total * budget })
    }

    func isFeasible(_ b: [Double], tolerance: Double) -> Bool {
        abs(b.reduce(0, +) - budget) <= tolerance * max(budget, 1)
            && zip(b, zip(lower, upper)).allSatisfy { $0 >= $1.0 - tolerance * max($1.0, 1) && $0 <= $1.1 + tolerance * max($1.1, 1) }
    }
}

/// A small seeded generator for the optimizers' random starts and the genetic algorithm.
struct SplitMix: Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    mutating func normal() -> Double {
        let u1 = 1 - uniform(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

import Foundation
