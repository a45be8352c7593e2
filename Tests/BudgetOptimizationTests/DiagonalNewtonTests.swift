import Foundation
import Testing
@testable import BudgetOptimization

/// The Newton path for plans with many variables under the mean objective (a plan per geo and
/// channel), checked against closed-form optima and the projection it rests on.
@Suite struct DiagonalNewtonTests {
    /// 40 geos × 5 channels of r(b) = a·log(1 + k·b) over 50 draws, per-variable upper bounds. The
    /// optimum of Σ ā_i·log(1 + k_i·b_i) under Σ b = B is water-filling: ā_i·k_i / (1 + k_i·b_i) = λ
    /// for every variable inside its bounds, b_i = clamp(ā_i/λ − 1/k_i, lo_i, hi_i).
    @Test(arguments: [UInt64(1), 2, 3])
    func twoHundredVariablesReachTheWaterFillingOptimum(seed: UInt64) throws {
        var rng = SplitMix(seed: seed)
        let n = 200, budget = 1_000_000.0
        var responses: [any ChannelResponse] = [], means: [Double] = [], rates: [Double] = [], upper: [Double] = []
        for i in 0..<n {
            let mean = 1_000 * exp(rng.normal()), k = 1e-4 * exp(rng.normal())
            let a = draws(mean: mean, spread: 0.5, count: 1_000, seed: seed * 1_000 + UInt64(i))
            responses.append(LogResponse(a: a, k: k))
            means.append(a.reduce(0, +) / Double(a.count)); rates.append(k)
            upper.append(rng.uniform() < 0.2 ? 2_000 : budget)
        }
        let problem = try PlanProblem(channels: (0..<n).map { "pair\($0)" }, responses: responses, budget: budget, upper: upper)
        func optimum(_ lambda: Double) -> [Double] {
            (0..<n).map { min(max(means[$0] / lambda - 1 / rates[$0], 0), upper[$0]) }
        }
        var lo = 1e-12, hi = 1e6
        for _ in 0..<300 {
            let mid = (lo * hi).squareRoot()
            if optimum(mid).reduce(0, +) > budget { lo = mid } else { hi = mid }
        }
        let truth = optimum((lo * hi).squareRoot())
        let start = Array(repeating: budget / Double(n), count: n)
        let (plan, report) = try PlanOptimizer(choice: .slsqp, seed: 1).optimize(problem, start: start)
        #expect(abs(plan.reduce(0, +) - budget) <= 1e-6)
        let worst = zip(plan, truth).map { abs($0 - $1) }.max() ?? .infinity
        #expect(report.notices.contains { $0.hasPrefix("Newton's method on the separable objective") }, "\(report.notices)")
        #expect(report.method == "newton")
        #expect(worst <= 1e-4 * budget / Double(n), "largest miss \(worst) (\(report.notices))")
        let value = PlanEvaluation(problem, plan: plan).total.mean, best = PlanEvaluation(problem, plan: truth).total.mean
        #expect(value >= best - 1e-9 * abs(best), "\(value) vs \(best)")
    }

    /// The bench's shape at a regional planner's size: 40 geos × 5 channels of Hill curves, some S-shaped,
    /// geos of very different sizes, 1000 draws, starting from a "current" split. Every pair left
    /// strictly inside its bounds ends with the same marginal return (the first-order conditions),
    /// and the plan earns more than the start.
    @Test func twoHundredHillPairsMeetTheFirstOrderConditions() throws {
        var rng = SplitMix(seed: 41)
        var responses: [any ChannelResponse] = [], current: [Double] = []
        for _ in 0..<40 {
            let size = exp(0.8 * rng.normal())
            for c in 0..<5 {
                let a = draws(mean: size * 100_000 * Double(5 - c), spread: 0.3, count: 1_000, seed: UInt64(responses.count))
                responses.append(HillResponse(a: a, kappa: size * 50_000 * exp(0.3 * rng.normal()), slope: exp(0.2 + 0.3 * rng.normal())))
                current.append(size * 20_000 * (1 + 0.5 * rng.uniform()))
            }
        }
        let problem = try PlanProblem(channels: (0..<200).map { "pair\($0)" }, responses: responses, budget: current.reduce(0, +))
        let (plan, report) = try PlanOptimizer(choice: .slsqp, seed: 1).optimize(problem, start: current)
        let evaluation = PlanEvaluation(problem, plan: plan)
        let optimality = OptimalityReport(problem, plan: plan, gradient: evaluation.objectiveGradient)
        #expect(report.notices.contains { $0.hasPrefix("Newton's method on the separable objective") }, "\(report.notices)")
        #expect(optimality.interior.count >= 100, "the check should cover most pairs")
        #expect(optimality.interiorSpread <= 1e-6, "interior pairs' marginals differ by \(optimality.interiorSpread) (\(report.notices))")
        #expect(evaluation.total.mean > PlanEvaluation(problem, plan: current).total.mean)
    }

    /// Geo plans with a cap on one channel's total over geos and a floor on one geo's total over
    /// channels (overlapping groups). With r = a·√b every variable is interior, so the optimum's
    /// marginals are λ + μ·[channel 0] − ν·[geo 5] with μ, ν ≥ 0: four classes of variables, each
    /// with one marginal, consistent with each other, and both groups at their bound.
    @Test func groupsOverGeosAndChannelsMeetTheirKKTConditions() throws {
        let geos = 6, channels = 5, n = geos * channels
        var rng = SplitMix(seed: 9)
        let responses: [any ChannelResponse] = (0..<n).map { i in
            SqrtResponse(a: draws(mean: 10 * exp(0.5 * rng.normal()) * Double(channels - i % channels), spread: 0.2, count: 40, seed: UInt64(i)))
        }
        let groups = [SpendGroup(members: (0..<geos).map { $0 * channels }, lower: 0, upper: 150, label: "c0"),
                      SpendGroup(members: (0..<channels).map { 5 * channels + $0 }, lower: 300, upper: 1_000, label: "g5")]
        let problem = try PlanProblem(channels: (0..<n).map { "g\($0 / channels)/c\($0 % channels)" }, responses: responses,
                                        budget: 1_000, groups: groups)
        let feasible = FeasibleSet(problem)
        let evaluator = PlanEvaluator(problem)
        let run = DiagonalNewtonSolver(problem: problem, feasible: feasible).solve(from: feasible.evenSplit(), evaluator: evaluator)
        #expect(run.status == .success, "\(run.status)")
        #expect(feasible.isFeasible(run.plan, tolerance: 1e-9))
        #expect(abs((0..<geos).reduce(0) { $0 + run.plan[$1 * channels] } - 150) <= 1e-6, "channel 0's cap binds")
        #expect(abs((0..<channels).reduce(0) { $0 + run.plan[5 * channels + $1] } - 300) <= 1e-6, "geo 5's floor binds")
        let marginal = evaluator.evaluateWithGradient(run.plan).1
        func mean(_ cells: [Int]) -> Double { cells.reduce(0) { $0 + marginal[$1] } / Double(cells.count) }
        let capped = (0..<n).filter { $0 % channels == 0 }, floored = (0..<n).filter { $0 / channels == 5 }
        let plain = (0..<n).filter { !capped.contains($0) && !floored.contains($0) }
        // A capped variable is held back (its marginal stays above λ); a floored one is pushed on.
        let lambda = mean(plain), mu = mean(capped.filter { !floored.contains($0) }) - lambda,
            nu = lambda - mean(floored.filter { !capped.contains($0) })
        #expect(mu > 0 && nu > 0, "μ \(mu), ν \(nu)")
        // The plan's own optimality report takes the bound groups' prices out the same way.
        let report = OptimalityReport(problem, plan: run.plan, gradient: marginal)
        #expect(report.interiorSpread <= 1e-6 && report.boundViolation <= 1e-6, "\(report.interiorSpread), \(report.boundViolation)")
        #expect(report.activeGroups.map(\.label) == ["c0", "g5"])
        #expect(report.activeGroups.count == 2 && abs(report.activeGroups[0].price - mu) <= 1e-6 * lambda
                && abs(report.activeGroups[1].price + nu) <= 1e-6 * lambda, "\(report.activeGroups) vs μ \(mu), ν \(nu)")
        for i in 0..<n {
            let expected = lambda + (capped.contains(i) ? mu : 0) - (floored.contains(i) ? nu : 0)
            #expect(abs(marginal[i] - expected) <= 1e-6 * lambda, "\(problem.channels[i]): marginal \(marginal[i]) vs \(expected)")
        }
    }

    /// Only the mean objective is separable: the others couple the variables through the draws,
    /// and large problems under them keep SLSQP (Newton's diagonal Hessian would be wrong there).
    @Test(arguments: [PlanObjective.cvar(alpha: 0.2), .meanMinusSD(lambda: 1)])
    func otherObjectivesStayOffTheNewtonPath(objective: PlanObjective) throws {
        let n = 30
        let responses: [any ChannelResponse] = (0..<n).map { i in
            LogResponse(a: draws(mean: 100 * Double(1 + i % 4), spread: 0.4, count: 200, seed: UInt64(i)), k: 0.01)
        }
        let problem = try PlanProblem(channels: (0..<n).map { "pair\($0)" }, responses: responses, budget: 3_000, objective: objective)
        let start = Array(repeating: 100.0, count: n)
        let (plan, report) = try PlanOptimizer(choice: .slsqp, seed: 1).optimize(problem, start: start)
        #expect(!report.notices.contains { $0.contains("Newton") }, "\(report.notices)")
        #expect(report.notices.contains { $0.contains("SLSQP ran") }, "\(report.notices)")
        #expect(abs(plan.reduce(0, +) - 3_000) <= 1e-6)
        let evaluator = PlanEvaluator(problem)
        #expect(evaluator.evaluate(plan) > evaluator.evaluate(start))
    }

    /// The projection at a geo plan's size: 40 geos × 5 channels, a range on every geo's total (a
    /// few of them exact amounts), a range on every channel's total, and weights six orders of
    /// magnitude apart (the curvatures of a big geo and of a curve's flat foot). The prices'
    /// solution settles (no fallback to Dykstra's rounds) and is the closest feasible point.
    @Test func theProjectionSettlesAtAGeoPlansSize() throws {
        var rng = SplitMix(seed: 17)
        let geos = 40, channels = 5, n = geos * channels, budget = 2_000_000.0
        var groups: [SpendGroup] = []
        for g in 0..<geos {
            let share = budget / Double(geos) * (0.5 + rng.uniform())
            let exact = g % 10 == 3
            groups.append(SpendGroup(members: (0..<channels).map { g * channels + $0 }, lower: exact ? share : 0.6 * share,
                                     upper: exact ? share : 1.4 * share, label: "g\(g)"))
        }
        for c in 0..<channels {
            groups.append(SpendGroup(members: (0..<geos).map { $0 * channels + c }, lower: 0.1 * budget, upper: 0.3 * budget, label: "c\(c)"))
        }
        let feasible = FeasibleSet(try PlanProblem(channels: (0..<n).map { "v\($0)" }, responses: (0..<n).map { _ in LogResponse(a: [1], k: 1) },
                                                   budget: budget, groups: groups))
        for _ in 0..<5 {
            let x = (0..<n).map { _ in budget / Double(n) * (1 + 2 * rng.normal()) }
            let w = (0..<n).map { _ in exp(-6 * log(10) * rng.uniform()) }
            let solver = GroupProjection(budget: budget, lower: feasible.lower, upper: feasible.upper, groups: groups, reach: w.map { 1 / $0 })
            let exact = try #require(solver.solve(x), "the prices did not settle")
            let y = feasible.project(x, weights: w)
            #expect(feasible.isFeasible(y, tolerance: 1e-9))
            #expect(zip(exact, y).allSatisfy { abs($0 - $1) <= 1e-6 * budget / Double(n) })
            expectClosest(y, to: x, weights: w, in: feasible, samples: 20, using: &rng)
        }
    }

    /// A group at its bound whose members all sit at their own bounds has no price the marginals
    /// can show, and is not listed; one with an interior member is.
    @Test func onlyGroupsWithInteriorMembersArePriced() throws {
        let problem = try PlanProblem(channels: ["a", "b", "c"], responses: [SqrtResponse(a: [3]), SqrtResponse(a: [1]), SqrtResponse(a: [2])],
                                        budget: 10, lower: [0, 0, 0], upper: [10, 10, 0],
                                        groups: [SpendGroup(members: [2], lower: 0, upper: 5, label: "c alone"),
                                                 SpendGroup(members: [0], lower: 0, upper: 6, label: "a capped")])
        let (plan, _) = try PlanOptimizer(choice: .slsqp, seed: 1).optimize(problem)
        let report = OptimalityReport(problem, plan: plan, gradient: PlanEvaluation(problem, plan: plan).objectiveGradient)
        #expect(abs(plan[0] - 6) <= 1e-6 && abs(plan[2]) <= 1e-9, "\(plan)")
        #expect(report.activeGroups.map(\.label) == ["a capped"])
        #expect((report.activeGroups.first?.price ?? 0) > 0, "a cap holds its member back")
    }

    /// The weighted projection is the closest feasible point in Σ w_c (y_c − x_c)²: for every
    /// feasible z, (x − y)ᵀ W (z − y) ≤ 0 (the variational inequality of a projection onto a
    /// convex set).
    @Test func theWeightedProjectionIsTheClosestPointInItsDistance() throws {
        var rng = SplitMix(seed: 4)
        let n = 12
        let problem = try PlanProblem(channels: (0..<n).map { "v\($0)" }, responses: (0..<n).map { _ in SqrtResponse(a: [1]) },
                                        budget: 100, lower: Array(repeating: 1, count: n), upper: Array(repeating: 30, count: n),
                                        groups: [SpendGroup(members: [0, 1, 2, 3], lower: 0, upper: 20, label: "a"),
                                                 SpendGroup(members: [0, 4, 8], lower: 25, upper: 60, label: "b")])
        let feasible = FeasibleSet(problem)
        for _ in 0..<20 {
            let x = (0..<n).map { _ in 40 * rng.normal() + 8 }
            let w = (0..<n).map { _ in exp(2 * rng.normal()) }
            let y = feasible.project(x, weights: w)
            #expect(feasible.isFeasible(y, tolerance: 1e-9))
            expectClosest(y, to: x, weights: w, in: feasible, samples: 50, using: &rng)
        }
    }

    /// y is the closest point of `feasible` to x in Σ w_c (y_c − x_c)² exactly when, for every
    /// feasible z, (x − y)ᵀ W (z − y) ≤ 0 (the variational inequality of a projection onto a
    /// convex set); checked on `samples` random feasible points.
    func expectClosest(_ y: [Double], to x: [Double], weights w: [Double], in feasible: FeasibleSet, samples: Int,
                       using rng: inout SplitMix) {
        for _ in 0..<samples {
            let z = feasible.random(using: &rng)
            var inner = 0.0, scale = 0.0
            for c in x.indices {
                let away = x[c] - y[c], toward = z[c] - y[c]
                inner += w[c] * away * toward
                scale += w[c] * abs(away * toward)
            }
            #expect(inner <= 1e-7 * max(scale, 1), "inner product \(inner) of \(scale)")
        }
    }
}
