import Foundation

/// The feasible schedules of a `ScheduleProblem`, `[channels, periods]`: the intersection of
/// A = { 0 ≤ s ≤ cap, each spending group sums to its amount } and
/// B = { 0 ≤ s ≤ cap, each channel's total in [lower, upper] }.
///
/// Each set alone is a product of "box ∩ one sum" pieces, projected exactly by `FeasibleSet`;
/// their intersection is reached by Dykstra's alternating projections, which converge to the
/// Euclidean projection onto A ∩ B (not just some point in it), so a repaired plan moves as
/// little as possible. Without channel bounds B is the box and one step is exact.
struct ScheduleFeasibleSet: Sendable {
    let channels: Int
    let periods: Int
    let budget: Double
    let lower: [Double]
    let upper: [Double]
    let caps: [Double]
    let groups: [PeriodBudget]
    /// Whether any channel total is bound tighter than the box already implies.
    let channelBoundsMatter: Bool

    init(_ problem: ScheduleProblem) {
        channels = problem.channels.count; periods = problem.periods; budget = problem.budget
        lower = problem.lower; upper = problem.upper; caps = problem.caps; groups = problem.spendingGroups
        channelBoundsMatter = (0..<channels).contains { c in
            problem.lower[c] > 0 || problem.upper[c] < (0..<problem.periods).reduce(0) { $0 + problem.caps[c * problem.periods + $1] }
        }
    }

    private func projectGroups(_ x: [Double]) -> [Double] {
        var y = x
        for g in groups {
            let cells = g.periods.flatMap { t in (0..<channels).map { $0 * periods + t } }
            let part = FeasibleSet(budget: g.amount, lower: cells.map { _ in 0 }, upper: cells.map { caps[$0] })
                .project(cells.map { x[$0] })
            for (i, cell) in cells.enumerated() { y[cell] = part[i] }
        }
        return y
    }

    private func projectChannels(_ x: [Double]) -> [Double] {
        var y = x
        for c in 0..<channels {
            let range = (c * periods)..<((c + 1) * periods)
            let clamped = range.map { min(max(x[$0], 0), caps[$0]) }
            let total = clamped.reduce(0, +)
            let target = total < lower[c] ? lower[c] : total > upper[c] ? upper[c] : nil
            let row = target.map { FeasibleSet(budget: $0, lower: clamped.map { _ in 0 }, upper: range.map { caps[$0] }).project(Array(x[range])) } ?? clamped
            for (i, cell) in range.enumerated() { y[cell] = row[i] }
        }
        return y
    }

    /// The closest feasible schedule, to the tolerance of Dykstra's iterations: budgets exact,
    /// channel totals within `tolerance` of the budget (default 1e-9), at most `iterations` rounds.
    func project(_ x: [Double], tolerance relative: Double = 1e-9, iterations: Int = 1000) -> [Double] {
        var y = projectGroups(x)
        guard channelBoundsMatter, violation(y) > 0 else { return y }
        var current = x
        var p = [Double](repeating: 0, count: x.count), q = p
        let tolerance = relative * max(budget, 1)
        for _ in 0..<iterations {
            let a = projectGroups(zip(current, p).map(+))
            for i in p.indices { p[i] = current[i] + p[i] - a[i] }
            let b = projectChannels(zip(a, q).map(+))
            for i in q.indices { q[i] = a[i] + q[i] - b[i] }
            let change = zip(b, current).reduce(0) { max($0, abs($1.0 - $1.1)) }
            current = b
            y = a
            if change <= tolerance && violation(a) <= tolerance { break }
        }
        // End on A: the budgets are met exactly; channel totals to Dykstra's tolerance.
        return projectGroups(y)
    }

    /// Largest amount by which a channel total leaves its [lower, upper] (0 when none).
    func violation(_ x: [Double]) -> Double {
        (0..<channels).reduce(0) { worst, c in
            let total = (0..<periods).reduce(0) { $0 + x[c * periods + $1] }
            return max(worst, lower[c] - total, total - upper[c])
        }
    }

    func isFeasible(_ x: [Double], tolerance: Double) -> Bool {
        let slack = tolerance * max(budget, 1)
        guard x.indices.allSatisfy({ x[$0] >= -slack && x[$0] <= caps[$0] + slack }) else { return false }
        guard violation(x) <= slack else { return false }
        return groups.allSatisfy { g in
            abs(g.periods.reduce(0) { s, t in s + (0..<channels).reduce(0) { $0 + x[$1 * periods + t] } } - g.amount) <= slack
        }
    }

    /// Even spend per period within each group, then projected.
    func evenSplit() -> [Double] {
        var x = [Double](repeating: 0, count: channels * periods)
        for g in groups {
            let open = g.periods.flatMap { t in (0..<channels).map { $0 * periods + t } }.filter { caps[$0] > 0 }
            for cell in open { x[cell] = g.amount / Double(max(open.count, 1)) }
        }
        return project(x)
    }

    /// Each channel's total spread evenly over its open periods, then projected.
    func spreading(totals: [Double]) -> [Double] {
        var x = [Double](repeating: 0, count: channels * periods)
        for c in 0..<channels {
            let open = (0..<periods).filter { caps[c * periods + $0] > 0 }
            for t in open { x[c * periods + t] = totals[c] / Double(open.count) }
        }
        return project(x)
    }

    /// A random feasible schedule: random shares of the budget, projected.
    func random(using rng: inout SplitMix) -> [Double] {
        let weights = (0..<(channels * periods)).map { caps[$0] > 0 ? -log(max(rng.uniform(), 1e-300)) : 0 }
        let total = max(weights.reduce(0, +), 1e-300)
        return project(weights.map { $0 / total * budget })
    }
}
