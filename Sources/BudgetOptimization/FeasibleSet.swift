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

    init(budget: Double, lower: [Double], upper: [Double], groups: [SpendGroup] = []) {
        self.budget = budget; self.lower = lower; self.upper = upper; self.groups = groups
    }

    /// The closest feasible plan, in the Euclidean distance or, with `weights` w (`[channels]`,
    /// positive), in Σ w_c (y_c − x_c)². Without groups: one exact projection onto the box and
    /// the budget. With groups: `GroupProjection`'s exact solution in the constraints' prices; should
    /// that not settle, Dykstra's alternating projections between the box-and-budget set and each
    /// family of disjoint group slabs, which converge to the same point (every projection taken in
    /// the same weighted distance, which Dykstra's method needs). The last step is onto the box
    /// and budget, so the budget is met exactly and the groups to the solver's tolerance.
    func project(_ x: [Double], weights: [Double]? = nil) -> [Double] {
        // A channel with weight w moves by 1/w per unit of a constraint's multiplier.
        let reach = weights.map { $0.map { 1 / $0 } } ?? Array(repeating: 1, count: x.count)
        func projectBoxAndBudget(_ x: [Double]) -> [Double] { self.projectBoxAndBudget(x, reach: reach) }
        func projectSlabs(_ x: [Double], _ family: [SpendGroup]) -> [Double] { self.projectSlabs(x, family, reach: reach) }
        guard !groups.isEmpty else { return projectBoxAndBudget(x) }
        if let exact = GroupProjection(budget: budget, lower: lower, upper: upper, groups: groups, reach: reach).solve(x) {
            return projectBoxAndBudget(exact)
        }
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
    /// range moves its members onto the nearer end, each in proportion to its `reach` (1/weight;
    /// all the same amount in the Euclidean distance).
    private func projectSlabs(_ x: [Double], _ family: [SpendGroup], reach: [Double]) -> [Double] {
        var y = x
        for g in family {
            let total = g.members.reduce(0) { $0 + x[$1] }
            let target = total < g.lower ? g.lower : total > g.upper ? g.upper : total
            guard target != total else { continue }
            let shift = (target - total) / g.members.reduce(0) { $0 + reach[$1] }
            for c in g.members { y[c] += shift * reach[c] }
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

    /// The closest plan within the box that spends the budget: clamp(x_c + τ·reach_c, lo_c, hi_c)
    /// with the multiplier τ found by bisection, then the last rounding error placed on a channel
    /// with room.
    private func projectBoxAndBudget(_ x: [Double], reach: [Double]) -> [Double] {
        let n = x.count
        func total(_ tau: Double) -> Double {
            var s = 0.0
            for c in 0..<n { s += min(max(x[c] + tau * reach[c], lower[c]), upper[c]) }
            return s
        }
        // Every channel is at its lower bound below the smallest of (lo_c − x_c)/reach_c and at its
        // upper bound above the largest of (hi_c − x_c)/reach_c.
        var lo = -1.0, hi = 1.0
        for c in 0..<n {
            lo = min(lo, (lower[c] - x[c]) / reach[c] - 1)
            hi = max(hi, (upper[c] - x[c]) / reach[c] + 1)
        }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if total(mid) < budget { lo = mid } else { hi = mid }
            if hi - lo <= 1e-15 * max(1, abs(mid)) { break }
        }
        var y = (0..<n).map { min(max(x[$0] + 0.5 * (lo + hi) * reach[$0], lower[$0]), upper[$0]) }
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
