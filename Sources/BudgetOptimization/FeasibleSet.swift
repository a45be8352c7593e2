/// The plans that spend exactly the budget within every channel's bounds and every group's:
/// { b : Σ b_c = B, lo_c ≤ b_c ≤ hi_c, lo_g ≤ Σ_{c∈g} b_c ≤ hi_g }.
struct FeasibleSet: Sendable {
    let budget: Double
    let lower: [Double]
    let upper: [Double]
    let groups: [SpendGroup]

    init(_ problem: BudgetProblem) {
        budget = problem.budget; lower = problem.lower; upper = problem.upper; groups = problem.groups
    }

    init(budget: Double, lower: [Double], upper: [Double]) {
        self.budget = budget; self.lower = lower; self.upper = upper; groups = []
    }

    /// The closest feasible plan (Euclidean). Without groups: one exact projection onto the box and
    /// the budget. With groups: Dykstra's alternating projections between that set and each
    /// family of disjoint group slabs, which converge to the projection onto the intersection
    /// (not merely some point in it); the last step is onto the box and budget, so the budget is
    /// met exactly and the groups to the iterations' tolerance.
    func project(_ x: [Double]) -> [Double] {
        guard !groups.isEmpty else { return projectBoxAndBudget(x) }
        let families = disjointFamilies()
        var current = x
        var corrections = [[Double]](repeating: [Double](repeating: 0, count: x.count), count: families.count + 1)
        var y = projectBoxAndBudget(x)
        let tolerance = 1e-11 * max(budget, 1)
        for _ in 0..<3000 {
            let start = current
            var point = current
            // Set 0: box and budget; then each family of disjoint slabs.
            for k in 0...families.count {
                let shifted = zip(point, corrections[k]).map(+)
                let projected = k == 0 ? projectBoxAndBudget(shifted) : projectSlabs(shifted, families[k - 1])
                for i in shifted.indices { corrections[k][i] = shifted[i] - projected[i] }
                point = projected
                if k == 0 { y = projected }
            }
            current = point
            let change = zip(current, start).reduce(0) { max($0, abs($1.0 - $1.1)) }
            if change <= tolerance && groupViolation(y) <= tolerance { break }
        }
        return projectBoxAndBudget(y)
    }

    /// Groups split into families whose members do not overlap (for geo plans: the channels' groups
    /// and the geos' groups), each projected onto at once.
    private func disjointFamilies() -> [[SpendGroup]] {
        var families: [[SpendGroup]] = [], used: [Set<Int>] = []
        for g in groups {
            if let k = used.firstIndex(where: { $0.isDisjoint(with: g.members) }) {
                families[k].append(g); used[k].formUnion(g.members)
            } else {
                families.append([g]); used.append(Set(g.members))
            }
        }
        return families
    }

    /// The projection onto { lo_g ≤ Σ_{c∈g} x_c ≤ hi_g } for disjoint groups: a group outside its
    /// range moves all its members by the same amount onto the nearer end.
    private func projectSlabs(_ x: [Double], _ family: [SpendGroup]) -> [Double] {
        var y = x
        for g in family {
            let total = g.members.reduce(0) { $0 + x[$1] }
            let target = total < g.lower ? g.lower : total > g.upper ? g.upper : total
            guard target != total else { continue }
            let shift = (target - total) / Double(g.members.count)
            for c in g.members { y[c] += shift }
        }
        return y
    }

    /// Largest amount by which a group total leaves its range (0 when none).
    func groupViolation(_ b: [Double]) -> Double {
        groups.reduce(0) { worst, g in
            let total = g.members.reduce(0) { $0 + b[$1] }
            return max(worst, g.lower - total, total - g.upper)
        }
    }

    /// The closest plan within the box that spends the budget: clamp(x_c + τ, lo_c, hi_c) with the
    /// shift τ found by bisection, then the last rounding error placed on a channel with room.
    private func projectBoxAndBudget(_ x: [Double]) -> [Double] {
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
        groupViolation(b) <= max(tolerance, 1e-8) * max(budget, 1)
            && abs(b.reduce(0, +) - budget) <= tolerance * max(budget, 1)
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
