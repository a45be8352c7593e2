import Foundation

/// The feasible plans of a `PlanProblem`, `[rows, periods]`.
///
/// One period (flat plans): { b : Σ b_r = B, lo_r ≤ b_r ≤ hi_r, lo_g ≤ Σ_{r∈g} b_r ≤ hi_g },
/// projected exactly in the Euclidean distance or a weighted one (Newton's steps need that).
///
/// Several periods: the intersection of A = { 0 ≤ s ≤ cap, each spending group sums to its
/// amount } and B = { 0 ≤ s ≤ cap, each row's total in [lower, upper] }. Each alone is a product
/// of "box ∩ one sum" pieces, projected exactly by `boxAndSum`; their intersection is reached by
/// Dykstra's alternating projections, which converge to the Euclidean projection onto A ∩ B (not
/// just some point in it), so a repaired plan moves as little as possible. Without row bounds B
/// is the box and one step is exact.
struct FeasibleSet: Sendable {
    let rows: Int
    let periods: Int
    let budget: Double
    /// Row totals' bounds, `[rows]`.
    let lower: [Double]
    let upper: [Double]
    /// Cell bounds, `[rows, periods]`.
    let cellLower: [Double]
    let cellUpper: [Double]
    let spending: [PeriodBudget]
    let groups: [SpendGroup]
    /// Whether any row total is bound tighter than its cells' bounds already imply.
    let rowBoundsMatter: Bool

    init(_ problem: PlanProblem) {
        rows = problem.channels.count; periods = problem.periods; budget = problem.budget
        lower = problem.lower; upper = problem.upper; groups = problem.groups; spending = problem.spendingGroups
        cellLower = (0..<problem.dimension).map(problem.cellLower)
        cellUpper = (0..<problem.dimension).map(problem.cellUpper)
        let H = problem.periods
        rowBoundsMatter = H > 1 && (0..<rows).contains { r in
            problem.lower[r] > 0 || problem.upper[r] < (0..<H).reduce(0) { $0 + problem.caps[r * H + $1] }
        }
    }

    /// The closest feasible plan.
    /// - Parameters:
    ///   - weights: one period only: the distance Σ w_r (y_r − x_r)² (positive, `[rows]`) in
    ///     place of the Euclidean one.
    ///   - tolerance: several periods: how close Dykstra's iterations bring the row totals to
    ///     their bounds, relative to the budget (default 1e-9); at most `iterations` rounds.
    func project(_ x: [Double], weights: [Double]? = nil, tolerance relative: Double = 1e-9, iterations: Int = 1000) -> [Double] {
        guard periods > 1 else { return projectRows(x, weights: weights) }
        var y = projectSpending(x)
        guard rowBoundsMatter, rowViolation(y) > 0 else { return y }
        var current = x
        var p = [Double](repeating: 0, count: x.count), q = p
        let tolerance = relative * max(budget, 1)
        for _ in 0..<iterations {
            let a = projectSpending(zip(current, p).map(+))
            for i in p.indices { p[i] = current[i] + p[i] - a[i] }
            let b = projectRowTotals(zip(a, q).map(+))
            for i in q.indices { q[i] = a[i] + q[i] - b[i] }
            let change = zip(b, current).reduce(0) { max($0, abs($1.0 - $1.1)) }
            current = b
            y = a
            if change <= tolerance && rowViolation(a) <= tolerance { break }
        }
        // End on A: the budgets are met exactly; row totals to Dykstra's tolerance.
        return projectSpending(y)
    }

    /// Set A: each spending group's cells onto their caps and the group's amount.
    private func projectSpending(_ x: [Double]) -> [Double] {
        var y = x
        for g in spending {
            let cells = g.periods.flatMap { t in (0..<rows).map { $0 * periods + t } }
            let part = Self.boxAndSum(cells.map { x[$0] }, sum: g.amount, lower: cells.map { cellLower[$0] },
                                      upper: cells.map { cellUpper[$0] })
            for (i, cell) in cells.enumerated() { y[cell] = part[i] }
        }
        return y
    }

    /// Set B: each row within its cells' bounds, its total onto [lower, upper].
    private func projectRowTotals(_ x: [Double]) -> [Double] {
        var y = x
        for r in 0..<rows {
            let range = (r * periods)..<((r + 1) * periods)
            let clamped = range.map { min(max(x[$0], cellLower[$0]), cellUpper[$0]) }
            let total = clamped.reduce(0, +)
            let target = total < lower[r] ? lower[r] : total > upper[r] ? upper[r] : nil
            let row = target.map {
                Self.boxAndSum(Array(x[range]), sum: $0, lower: range.map { cellLower[$0] }, upper: range.map { cellUpper[$0] })
            } ?? clamped
            for (i, cell) in range.enumerated() { y[cell] = row[i] }
        }
        return y
    }

    /// One period: without groups one exact projection onto the box and the budget. With
    /// groups: `GroupProjection`'s exact solution in the constraints' prices; should that not
    /// settle, Dykstra's alternating projections between the box-and-budget set and each family
    /// of disjoint group slabs, which converge to the same point (every projection taken in the
    /// same weighted distance, which Dykstra's method needs). The last step is onto the box and
    /// budget, so the budget is met exactly and the groups to the solver's tolerance.
    private func projectRows(_ x: [Double], weights: [Double]?) -> [Double] {
        // A row with weight w moves by 1/w per unit of a constraint's multiplier.
        let reach = weights.map { $0.map { 1 / $0 } } ?? Array(repeating: 1, count: x.count)
        func projectBoxAndBudget(_ x: [Double]) -> [Double] {
            Self.boxAndSum(x, sum: budget, lower: cellLower, upper: cellUpper, reach: reach)
        }
        guard !groups.isEmpty else { return projectBoxAndBudget(x) }
        if let exact = GroupProjection(budget: budget, lower: cellLower, upper: cellUpper, groups: groups, reach: reach).solve(x) {
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
                let projected = k == 0 ? projectBoxAndBudget(shifted) : projectSlabs(shifted, families[k - 1], reach: reach)
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

    /// The projection onto { lo_g ≤ Σ_{r∈g} x_r ≤ hi_g } for disjoint groups: a group outside its
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

    /// Largest amount by which a row group's total leaves its range (0 when none).
    func groupViolation(_ b: [Double]) -> Double {
        groups.reduce(0) { worst, g in
            let total = g.members.reduce(0) { $0 + b[$1] }
            return max(worst, g.lower - total, total - g.upper)
        }
    }

    /// Largest amount by which a row total leaves its [lower, upper] (0 when none).
    func rowViolation(_ x: [Double]) -> Double {
        (0..<rows).reduce(0) { worst, r in
            let total = (0..<periods).reduce(0) { $0 + x[r * periods + $1] }
            return max(worst, lower[r] - total, total - upper[r])
        }
    }

    /// The closest point to `x` within the box [lower, upper] whose entries add up to `sum`:
    /// clamp(x_i + τ·reach_i, lo_i, hi_i) with the multiplier τ found by bisection, then the last
    /// rounding error placed on an entry with room. `reach` (default all 1) is 1/weight in the
    /// distance Σ w_i (y_i − x_i)².
    static func boxAndSum(_ x: [Double], sum: Double, lower: [Double], upper: [Double], reach given: [Double]? = nil) -> [Double] {
        let n = x.count
        let reach = given ?? [Double](repeating: 1, count: n)
        func total(_ tau: Double) -> Double {
            var s = 0.0
            for c in 0..<n { s += min(max(x[c] + tau * reach[c], lower[c]), upper[c]) }
            return s
        }
        // Every entry is at its lower bound below the smallest of (lo_i − x_i)/reach_i and at its
        // upper bound above the largest of (hi_i − x_i)/reach_i.
        var lo = -1.0, hi = 1.0
        for c in 0..<n {
            lo = min(lo, (lower[c] - x[c]) / reach[c] - 1)
            hi = max(hi, (upper[c] - x[c]) / reach[c] + 1)
        }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if total(mid) < sum { lo = mid } else { hi = mid }
            if hi - lo <= 1e-15 * max(1, abs(mid)) { break }
        }
        var y = (0..<n).map { min(max(x[$0] + 0.5 * (lo + hi) * reach[$0], lower[$0]), upper[$0]) }
        // Put the remaining rounding error where it fits, so Σ y equals the sum to the last bit
        // that matters.
        let residual = sum - y.reduce(0, +)
        func room(_ c: Int) -> Double { residual > 0 ? upper[c] - y[c] : y[c] - lower[c] }
        if residual != 0, let c = (0..<n).max(by: { room($0) < room($1) }) {
            y[c] = min(max(y[c] + residual, lower[c]), upper[c])
        }
        return y
    }

    func isFeasible(_ x: [Double], tolerance: Double) -> Bool {
        let slack = tolerance * max(budget, 1)
        guard x.indices.allSatisfy({ x[$0] >= cellLower[$0] - slack && x[$0] <= cellUpper[$0] + slack }) else { return false }
        guard rowViolation(x) <= slack, groupViolation(x) <= max(tolerance, 1e-8) * max(budget, 1) else { return false }
        return spending.allSatisfy { g in
            abs(g.periods.reduce(0) { s, t in s + (0..<rows).reduce(0) { $0 + x[$1 * periods + t] } } - g.amount) <= slack
        }
    }

    /// Even spend over the open cells of each spending group, then projected.
    func evenSplit() -> [Double] {
        var x = [Double](repeating: 0, count: rows * periods)
        for g in spending {
            let open = g.periods.flatMap { t in (0..<rows).map { $0 * periods + t } }.filter { cellUpper[$0] > 0 || periods == 1 }
            for cell in open { x[cell] = g.amount / Double(max(open.count, 1)) }
        }
        return project(x)
    }

    /// Each row's total (`[rows]`) spread evenly over its open periods, then projected.
    func spreading(totals: [Double]) -> [Double] {
        var x = [Double](repeating: 0, count: rows * periods)
        for r in 0..<rows {
            let open = (0..<periods).filter { cellUpper[r * periods + $0] > 0 }
            for t in open { x[r * periods + t] = totals[r] / Double(open.count) }
        }
        return project(x)
    }

    /// A random feasible plan: random shares of the budget over the open cells, projected.
    func random(using rng: inout SplitMix) -> [Double] {
        let weights = (0..<(rows * periods)).map { cellUpper[$0] > 0 || periods == 1 ? -log(max(rng.uniform(), 1e-300)) : 0 }
        let total = max(weights.reduce(0, +), 1e-300)
        return project(weights.map { $0 / total * budget })
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
