/// Where S-shaped curves make the schedule problem non-concave, a channel can sit at a local
/// optimum with money in it although switching it off pays: below its bend its revenue per unit
/// is under the budgets' marginal return, yet a small cut lowers revenue faster than the money
/// earns elsewhere. A local method never crosses that ridge; this pass tries it.
///
/// A channel c is a candidate when the money in it would earn more at the marginal return of its
/// periods' budgets than it earns in c: Σₜ μ_g(t)·s_{c,t} > r̄_c(s_c) (the first-order value of
/// moving it, before the smaller loss of spreading it over the others). The candidates' spend is
/// handed to the other channels of the same period in proportion to theirs, Newton's method
/// re-solves from there, and the result is kept only when its objective is higher.
struct ChannelSwitch {
    let problem: PlanProblem
    let feasible: FeasibleSet
    /// Rounds of switching (default 3).
    var rounds = 3
    /// Objective evaluations (on the evaluator's draws) the re-solves may spend in all (default
    /// 200): the pass is a gamble on a better optimum, kept to a bounded share of the run.
    var maxEvaluations = 200

    /// The better of `run` and the schedules found by switching its losing channels off.
    func improve(_ run: SolverRun, evaluator: PlanEvaluator, curvature: PlanEvaluator) -> SolverRun {
        var best = run
        let C = problem.channels.count, H = problem.periods, D = evaluator.draws
        guard C > 1 else { return run }
        let unit = max(problem.budget / Double(max(problem.dimension, 1)), 1e-12)
        let groups = problem.spendingGroups
        var tried = Set<Int>()
        let first = evaluator.evaluations
        for _ in 0..<rounds {
            let (_, gradient) = evaluator.evaluateWithGradient(best.plan)
            let s = best.plan
            // Each group's marginal return: the mean gradient of its cells with money, inside their caps.
            var price = [Double](repeating: 0, count: H)
            for g in groups {
                var sum = 0.0, count = 0.0
                for t in g.periods {
                    for c in 0..<C where s[c * H + t] > 1e-6 * unit && s[c * H + t] < problem.caps[c * H + t] - 1e-6 * unit {
                        sum += gradient[c * H + t]; count += 1
                    }
                }
                for t in g.periods { price[t] = count > 0 ? sum / count : 0 }
            }
            var losers: [(channel: Int, gain: Double)] = []
            for c in 0..<C where problem.lower[c] <= 0 && !tried.contains(c) {
                let spend = (0..<H).reduce(0) { $0 + s[c * H + $1] }
                guard spend > 1e-6 * unit else { continue }
                var revenue = 0.0
                for d in 0..<D { revenue += evaluator.values[c * D + d] }
                revenue /= Double(D)
                let elsewhere = (0..<H).reduce(0) { $0 + price[$1] * s[c * H + $1] }
                if elsewhere > revenue { losers.append((c, elsewhere - revenue)) }
            }
            guard !losers.isEmpty else { break }
            // All losers at once first; if that does not pay, the largest alone.
            let sets = losers.count > 1 ? [losers.map(\.channel), [losers.max { $0.gain < $1.gain }!.channel]] : [losers.map(\.channel)]
            var improved = false
            for off in sets {
                let left = maxEvaluations - (evaluator.evaluations - first)
                guard left > 0 else { break }
                var x = s
                for t in 0..<H {
                    let freed = off.reduce(0) { $0 + x[$1 * H + t] }
                    for c in off { x[c * H + t] = 0 }
                    let others = (0..<C).filter { !off.contains($0) }
                    let base = others.reduce(0) { $0 + x[$1 * H + t] }
                    guard freed > 0, base > 0 else { continue }
                    for c in others { x[c * H + t] += freed * x[c * H + t] / base }
                }
                x = feasible.project(x)
                guard feasible.isFeasible(x, tolerance: 1e-7) else { continue }
                var solver = BlockNewtonSolver(problem: problem, feasible: feasible)
                solver.maxEvaluations = left
                let trial = solver.solve(from: x, evaluator: evaluator, curvature: curvature)
                if trial.status.pointIsUsable, trial.value.isFinite, trial.value > best.value, feasible.isFeasible(trial.plan, tolerance: 1e-7) {
                    best = SolverRun(plan: trial.plan, value: trial.value, status: trial.status, evaluations: best.evaluations + trial.evaluations)
                    improved = true
                    break
                }
            }
            for (c, _) in losers { tried.insert(c) }
            if !improved { break }
        }
        return best
    }
}
