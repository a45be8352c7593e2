/// Brings channels left with a sliver of the budget to their first-order condition.
///
/// Where some posterior draws have a Hill slope below 1, a channel's marginal return is unbounded
/// at zero spend, so its optimum is positive but can be a few currency units. There the curve bends
/// so sharply that SLSQP's quasi-Newton steps stall and stop on the objective tolerance with that
/// channel's marginal far from the others' (the KKT check then reports a large spread, though the
/// money involved is tiny). This pass solves each such channel's condition on its own: with the
/// other channels held, its marginal ∂J/∂b_i = Σ_d w_d·r'_{i,d}(b_i) falls as b_i grows (concave
/// curves), so bisection finds where it meets the common marginal λ of the channels with real
/// money. The few units moved come from the interior channel with the most room, whose marginal
/// they do not change measurably. The result is kept only when it is feasible and no worse.
struct SmallSpendPolish {
    let problem: PlanProblem
    let feasible: FeasibleSet
    /// A spend below this share of budget/channels counts as a sliver (default 10⁻²).
    var sliver = 1e-2

    /// The plan with its slivers at their first-order condition (or `plan` itself when that would
    /// not be feasible and no worse), and the channels left below the sliver threshold.
    func polish(_ plan: [Double], evaluator: PlanEvaluator) -> (plan: [Double], slivers: [Int]) {
        precondition(problem.isFlat, "slivers are one-period rows")
        let n = plan.count, budget = problem.budget
        guard n > 1, budget > 0 else { return (plan, []) }
        let threshold = sliver * budget / Double(n)
        let slack = 1e-6 * budget
        let (before, gradient) = evaluator.evaluateWithGradient(plan)
        let material = (0..<n).filter { plan[$0] >= threshold && plan[$0] > problem.lower[$0] + slack && plan[$0] < problem.upper[$0] - slack }
        guard !material.isEmpty else { return (plan, []) }
        let lambda = material.map { gradient[$0] }.reduce(0, +) / Double(material.count)
        let slivers = (0..<n).filter { plan[$0] < threshold && problem.upper[$0] > plan[$0] }
        guard !slivers.isEmpty, lambda.isFinite, lambda > 0 else { return (plan, []) }
        let weights = evaluator.drawWeights(at: plan)
        let D = weights.count
        var values = [Double](repeating: 0, count: D), slopes = values
        func marginal(_ i: Int, _ x: Double) -> Double {
            var spend = x
            problem.responses[i].evaluate(spend: &spend, values: &values, gradients: &slopes)
            var s = 0.0
            for d in 0..<D { s += weights[d] * slopes[d] }
            return s
        }
        var next = plan
        for i in slivers {
            let low = problem.lower[i]
            // Already where it belongs: at its minimum with no higher marginal.
            if marginal(i, low) <= lambda { next[i] = low; continue }
            // SLSQP can stall in the corner far below the optimum, so the bracket grows by tenfold
            // steps from the sliver range until the marginal falls below λ (or the bound is reached).
            var high = min(problem.upper[i], threshold)
            while marginal(i, high) > lambda && high < problem.upper[i] { high = min(10 * high, problem.upper[i]) }
            if marginal(i, high) > lambda { next[i] = high; continue }
            // Bisection on a log scale: the root can sit anywhere from 10⁻⁶ to `threshold`.
            var a = max(low, 1e-9 * threshold), b = high
            if marginal(i, a) <= lambda { next[i] = a; continue }
            for _ in 0..<80 {
                let m = (a * b).squareRoot()
                if marginal(i, m) > lambda { a = m } else { b = m }
                if b - a <= 1e-12 * b { break }
            }
            next[i] = (a + b) / 2
        }
        let moved = zip(next, plan).map(-).reduce(0, +)
        // The channels still in the corner after the pass: the ones a re-solve must hold.
        let held = slivers.filter { next[$0] < threshold }
        guard moved != 0 else { return (plan, held) }
        // Balance the budget from the interior channel with the most room.
        if let donor = material.max(by: { (plan[$0] - problem.lower[$0]) < (plan[$1] - problem.lower[$1]) }) {
            next[donor] -= moved
        }
        if !feasible.isFeasible(next, tolerance: 1e-9) { next = feasible.project(next) }
        guard feasible.isFeasible(next, tolerance: 1e-9), evaluator.evaluate(next) >= before else { return (plan, held) }
        return (next, held)
    }
}
