import Foundation

/// The first-order (KKT) optimality conditions of a plan: channels strictly inside their bounds
/// share one marginal objective; a channel at its minimum has no higher marginal objective, one at
/// its maximum no lower.
public struct OptimalityReport: Sendable {
    /// Channels strictly inside their bounds.
    public var interior: [String]
    public var atMinimum: [String]
    public var atMaximum: [String]
    /// The common marginal objective of the interior channels, per currency unit: their mean, or
    /// with active groups the budget's price (the marginal of a channel in no active group).
    public var marginal: Double
    /// Largest relative deviation of an interior channel's marginal from what the first-order
    /// conditions ask: the common one, plus the price of each active group it belongs to.
    public var interiorSpread: Double
    /// Largest relative violation by a channel at a bound, or by a group price of the wrong sign
    /// (0 when none).
    public var boundViolation: Double
    /// Groups whose total sits at one end of its range and that have a member strictly inside its
    /// bounds, with their price: what a currency unit
    /// more (a positive price: the upper end holds its members back) or less (negative: the
    /// lower end pushes them on) for the group would change the objective, beyond `marginal`.
    public var activeGroups: [(label: String, price: Double)]

    /// - Parameters:
    ///   - plan: each row's total, `[rows]`.
    ///   - gradient: ∂objective/∂(row total), `[rows]` (along each row's schedule when the
    ///     problem has several periods: `PlanEvaluation.objectiveGradient`).
    ///   - tolerance: relative distance from a bound that still counts as "at the bound".
    public init(_ problem: PlanProblem, plan: [Double], gradient: [Double], tolerance: Double = 1e-6) {
        var interior: [Int] = [], low: [Int] = [], high: [Int] = []
        let slack = tolerance * max(problem.budget, 1)
        for c in plan.indices {
            let width = max(problem.upper[c] - problem.lower[c], 0)
            if width <= slack { if plan[c] <= problem.lower[c] + slack { low.append(c) } else { high.append(c) } }
            else if plan[c] <= problem.lower[c] + slack { low.append(c) }
            else if plan[c] >= problem.upper[c] - slack { high.append(c) }
            else { interior.append(c) }
        }
        let scale = max(gradient.map(abs).max() ?? 1, 1e-300)
        // Groups at an end of their range add a price to their members' marginals; the prices come
        // from the interior channels by least squares, and what they leave is the spread.
        var active: [(group: SpendGroup, atUpper: Bool)] = []
        for g in problem.groups {
            let total = g.members.reduce(0) { $0 + plan[$1] }
            if total >= g.upper - slack { active.append((g, true)) } else if total <= g.lower + slack { active.append((g, false)) }
        }
        let prices = Self.groupPrices(active.map(\.group.members), interior: interior, gradient: gradient)
        var shift = [Double](repeating: 0, count: plan.count)
        for (k, a) in active.enumerated() { for c in a.group.members { shift[c] += prices.groups[k] } }
        let common = prices.common  // NaN without interior channels
        self.interior = interior.map { problem.channels[$0] }
        atMinimum = low.map { problem.channels[$0] }
        atMaximum = high.map { problem.channels[$0] }
        marginal = common
        // A group whose members all sit at their own bounds has no price the marginals can show.
        let interiorSet = Set(interior)
        activeGroups = zip(active, prices.groups).filter { a, _ in a.group.members.contains(where: interiorSet.contains) }
            .map { ($0.group.label, $1) }
        interiorSpread = interior.map { abs(gradient[$0] - common - shift[$0]) / scale }.max() ?? 0
        // An equality group's price may take either sign.
        let wrongSign = zip(active, prices.groups).map { a, p in
            a.group.lower == a.group.upper ? 0 : max(a.atUpper ? -p : p, 0) / scale
        }.max() ?? 0
        boundViolation = common.isNaN ? 0 : max(
            low.map { max(gradient[$0] - common - shift[$0], 0) / scale }.max() ?? 0,
            high.map { max(common + shift[$0] - gradient[$0], 0) / scale }.max() ?? 0,
            wrongSign)
    }

    /// The common marginal λ and one price per group that best explain the interior channels'
    /// marginals as λ + Σ_{groups ∋ c} price (least squares). Without groups λ is their mean; a
    /// group with no interior member gets price 0.
    private static func groupPrices(_ groups: [[Int]], interior: [Int], gradient: [Double]) -> (common: Double, groups: [Double]) {
        guard !interior.isEmpty else { return (.nan, groups.map { _ in 0 }) }
        let mean = interior.map { gradient[$0] }.reduce(0, +) / Double(interior.count)
        guard !groups.isEmpty else { return (mean, []) }
        let k = groups.count + 1
        let memberOf = groups.map(Set.init)
        var normal = [Double](repeating: 0, count: k * k), right = [Double](repeating: 0, count: k)
        for c in interior {
            let row = [1.0] + memberOf.map { $0.contains(c) ? 1.0 : 0.0 }
            for a in 0..<k {
                right[a] += row[a] * gradient[c]
                for b in 0..<k { normal[a * k + b] += row[a] * row[b] }
            }
        }
        // A group without interior members has an empty column: a tiny ridge pins its price at 0.
        for a in 1..<k { normal[a * k + a] += 1e-9 * Double(interior.count) }
        guard let solution = solveLinear(normal, right, k) else { return (mean, groups.map { _ in 0 }) }
        return (solution[0], Array(solution.dropFirst()))
    }
}

/// The first-order (KKT) conditions of a schedule, per spending group (a month with a budget, or
/// the periods the total budget alone governs): cells strictly inside their caps share the
/// group's marginal objective; a cell at 0 has no higher marginal, one at its cap no lower.
/// Checked only where no channel total binds (a binding channel bound adds its own multiplier).
public struct ScheduleOptimality: Sendable {
    public struct Group: Sendable {
        public var label: String
        /// Mean marginal objective of the group's interior cells, per currency unit.
        public var marginal: Double
        public var interiorCells: Int
        /// Largest relative deviation of an interior cell from the group's marginal.
        public var interiorSpread: Double
        /// Largest relative violation by a cell at 0 or at its cap.
        public var boundViolation: Double
    }
    public var groups: [Group]
    /// Channels whose total sits on its [min, max] bound (their cells are judged with a shift).
    public var channelsAtBounds: [String]

    public init(_ problem: PlanProblem, schedule: [Double], gradient: [Double], tolerance: Double = 1e-6) {
        let C = problem.channels.count, H = problem.periods
        let slack = tolerance * max(problem.budget, 1)
        let scale = max(gradient.map(abs).max() ?? 1, 1e-300)
        var bound: [String] = []
        for c in 0..<C {
            let total = (0..<H).reduce(0) { $0 + schedule[c * H + $1] }
            if (problem.lower[c] > 0 && total <= problem.lower[c] + slack) || total >= problem.upper[c] - slack { bound.append(problem.channels[c]) }
        }
        channelsAtBounds = bound
        let free = (0..<C).filter { !bound.contains(problem.channels[$0]) }
        groups = problem.spendingGroups.map { g in
            var interior: [Int] = [], low: [Int] = [], high: [Int] = []
            for t in g.periods {
                for c in free {
                    let i = c * H + t, cap = problem.caps[i]
                    if cap <= slack { continue }
                    if schedule[i] <= slack { low.append(i) } else if schedule[i] >= cap - slack { high.append(i) } else { interior.append(i) }
                }
            }
            let common = interior.isEmpty ? Double.nan : interior.map { gradient[$0] }.reduce(0, +) / Double(interior.count)
            let spread = interior.map { abs(gradient[$0] - common) / scale }.max() ?? 0
            let violation = common.isNaN ? 0 : max(low.map { max(gradient[$0] - common, 0) / scale }.max() ?? 0,
                                                   high.map { max(common - gradient[$0], 0) / scale }.max() ?? 0)
            return Group(label: g.label, marginal: common, interiorCells: interior.count, interiorSpread: spread, boundViolation: violation)
        }
    }
}
