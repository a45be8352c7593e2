import Foundation

/// The expected value of perfect partial information (EVPPI) of each channel's response: how much
/// expected revenue a plan could gain if that channel's curve were known before deciding.
///
/// With θ_c the channel's curve and J(b) = E[R(b)] the expected total revenue,
///   EVPPI_c = E_θc[ max_b E[R(b) | θ_c] ] − max_b E[R(b)].
/// It is estimated from the posterior draws alone (no refit): the draws are sorted by a scalar key
/// of channel c's curve (e.g. its revenue at the planned spend) and cut into quantile bins; within
/// each bin the plan is re-optimized (SLSQP, warm-started from the uninformed optimum), and the
/// bins' best expected revenues, weighted by their share of draws, are compared with the best plan
/// without the information. Keys that tie are never split across bins, so a channel the posterior
/// knows exactly gets one bin and an EVPPI of exactly 0.
///
/// The measure is in expected revenue whatever the plan's objective: it prices what a lift test
/// could earn, apart from any risk preference. Binning coarsens the information (the estimate is
/// below the perfect-information value, approaching it as bins grow); finite draws per bin add a
/// small upward bias (a bin's optimum fits its own draws).
public struct ValueOfInformation: Sendable {
    /// One channel's figures.
    public struct Channel: Sendable {
        public var name: String
        /// EVPPI in the target's units over the horizon (≥ 0).
        public var evppi: Double
        /// Bins used (fewer than asked when keys tie).
        public var bins: Int
        /// The channel's spend in each bin's optimal plan, `[bins]`, currency over the horizon: the
        /// spends the decision would move to, depending on what a test of this channel showed.
        public var binOptimalSpend: [Double]
    }

    public var channels: [Channel]
    /// max_b E[R(b)] on the draws used: the expected revenue of the best plan without information.
    public var uninformedValue: Double
    /// The uninformed optimum, `[channels]`.
    public var uninformedPlan: [Double]
    /// Draws used (after subsampling).
    public var draws: Int

    /// - Parameters:
    ///   - problem: responses over draws, budget and bounds; its objective is not used (see above).
    ///   - plan: a feasible plan to warm-start from, `[channels]` (the optimized plan).
    ///   - keys: per channel, a scalar summary of that channel's curve in each draw, `[channels][draws]`.
    ///   - bins: quantile bins per channel (default 10).
    ///   - maxDraws: evenly spaced draws kept when the problem has more (default 1000).
    public init(_ problem: PlanProblem, plan: [Double], keys: [[Double]], bins: Int = 10, maxDraws: Int = 1000) throws {
        let D = problem.drawCount
        guard problem.isFlat else { throw BudgetError.invalid("value of information compares plans of one total per channel; tie the periods first") }
        guard keys.count == problem.channels.count, keys.allSatisfy({ $0.count == D }) else {
            throw BudgetError.invalid("value of information needs a key per draw for every channel, [\(problem.channels.count)][\(D)]")
        }
        guard bins >= 1, maxDraws >= 1 else { throw BudgetError.invalid("value of information needs at least one bin and one draw") }
        let kept = D > maxDraws ? (0..<maxDraws).map { $0 * D / maxDraws } : Array(0..<D)
        let base = try problem.restricted(to: kept).with(objective: .mean)
        let feasible = FeasibleSet(base)
        let solver = SLSQPSolver(problem: base, feasible: feasible)
        let (bestPlan, bestValue) = Self.optimum(solver: solver, evaluator: PlanEvaluator(base), from: feasible.project(plan))
        let n = kept.count
        channels = try problem.channels.indices.map { c in
            let key = kept.map { keys[c][$0] }
            guard key.allSatisfy(\.isFinite) else { throw BudgetError.invalid("the value-of-information key of \(problem.channels[c]) is not finite in every draw") }
            var informed = 0.0
            var spends: [Double] = []
            let groups = Self.quantileBins(key, count: bins)
            for group in groups {
                let binProblem = base.restricted(to: group)
                let binSolver = SLSQPSolver(problem: binProblem, feasible: feasible)
                let (binPlan, binValue) = Self.optimum(solver: binSolver, evaluator: PlanEvaluator(binProblem), from: bestPlan)
                informed += Double(group.count) / Double(n) * binValue
                spends.append(binPlan[c])
            }
            // Each bin's optimum is at least the uninformed plan's value in that bin, and those
            // values average back to bestValue: only rounding can push the difference below 0.
            return Channel(name: problem.channels[c], evppi: max(informed - bestValue, 0), bins: groups.count, binOptimalSpend: spends)
        }
        uninformedValue = bestValue
        uninformedPlan = bestPlan
        draws = n
    }

    /// The better of `start` and SLSQP's plan from it, with its expected revenue.
    private static func optimum(solver: SLSQPSolver, evaluator: PlanEvaluator, from start: [Double]) -> ([Double], Double) {
        let startValue = evaluator.evaluate(start)
        let run = solver.solve(from: start, evaluator: evaluator)
        guard run.status.pointIsUsable, run.value.isFinite, run.value > startValue,
              solver.feasible.isFeasible(run.plan, tolerance: 1e-9) else { return (start, startValue) }
        return (run.plan, run.value)
    }

    /// Positions `[0, keys.count)` cut into about `count` groups of consecutive keys of near-equal
    /// size, ordered by key (ties by position); equal keys always share a group.
    static func quantileBins(_ keys: [Double], count: Int) -> [[Int]] {
        let order = keys.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
        let n = order.count
        var groups: [[Int]] = []
        var start = 0
        for b in 1...max(count, 1) {
            var end = b == count ? n : b * n / count
            guard end > start else { continue }
            // Move the cut past every draw whose key equals the last one inside.
            while end < n, keys[order[end]] == keys[order[end - 1]] { end += 1 }
            groups.append(Array(order[start..<end]))
            start = end
            if start >= n { break }
        }
        return groups
    }

    /// Each channel's revenue at `spends` (`[channels]`, currency over the horizon) in every draw,
    /// `[channels][draws]`: a key that orders draws by how much the channel returns where it operates.
    public static func responseKeys(_ problem: PlanProblem, at spends: [Double]) -> [[Double]] {
        precondition(problem.isFlat, "response keys read one total per channel")
        let D = problem.drawCount
        return problem.responses.indices.map { c in
            var values = [Double](repeating: 0, count: D), slopes = values
            var spend = max(spends[c], 0)
            problem.responses[c].evaluate(spend: &spend, values: &values, gradients: &slopes)
            return values
        }
    }
}
