import Foundation
import Testing
@testable import BudgetOptimization

@Suite struct ClosedFormTests {
    @Test func squareRootResponsesSplitByTheSquareOfTheirScale() throws {
        let means = [3.0, 1.0, 2.0, 0.5]
        let responses = means.enumerated().map { SqrtResponse(a: draws(mean: $1, spread: 0.2, count: 300, seed: UInt64($0))) }
        let abar = responses.map { $0.a.reduce(0, +) / 300 }
        let budget = 1_000_000.0
        let problem = try PlanProblem(channels: ["a", "b", "c", "d"], responses: responses, budget: budget)
        let (plan, report) = try PlanOptimizer(choice: .slsqp).optimize(problem)
        let sumSquares = abar.map { $0 * $0 }.reduce(0, +)
        for c in 0..<4 {
            let exact = budget * abar[c] * abar[c] / sumSquares
            #expect(abs(plan[c] - exact) <= 1e-6 * budget, "channel \(c): \(plan[c]) vs \(exact) (\(report.status))")
        }
        #expect(abs(plan.reduce(0, +) - budget) <= 1e-9 * budget)
    }

    @Test func logResponsesFillToACommonMarginal() throws {
        // a·k/(1 + k·b) = μ for every channel: b_c = a_c/μ − 1/k_c, 1/μ = (B + Σ 1/k)/Σ a.
        let specs: [(a: Double, k: Double)] = [(5, 2e-6), (3, 5e-6), (8, 1e-6), (2, 4e-6), (4, 3e-6)]
        let responses = specs.enumerated().map { LogResponse(a: draws(mean: $1.a, spread: 0.3, count: 200, seed: 10 + UInt64($0)), k: $1.k) }
        let abar = responses.map { $0.a.reduce(0, +) / 200 }
        let budget = 3_000_000.0
        let problem = try PlanProblem(channels: (1...5).map { "c\($0)" }, responses: responses, budget: budget)
        let inverseMu = (budget + specs.map { 1 / $0.k }.reduce(0, +)) / abar.reduce(0, +)
        let exact = (0..<5).map { abar[$0] * inverseMu - 1 / specs[$0].k }
        #expect(exact.allSatisfy { $0 > 0 }, "the test's optimum must be interior")
        for choice in [OptimizerChoice.slsqp, .auto] {
            let (plan, _) = try PlanOptimizer(choice: choice).optimize(problem)
            for c in 0..<5 { #expect(abs(plan[c] - exact[c]) <= 1e-6 * budget, "\(choice) channel \(c): \(plan[c]) vs \(exact[c])") }
            // KKT: interior channels share one marginal objective.
            let evaluation = PlanEvaluation(problem, plan: plan)
            let kkt = OptimalityReport(problem, plan: plan, gradient: evaluation.objectiveGradient)
            #expect(kkt.interior.count == 5 && kkt.interiorSpread < 1e-5, "spread \(kkt.interiorSpread)")
        }
    }

    @Test func channelsOnScalesSixOrdersApartReachTheExactOptimum() throws {
        // Thirty log curves whose saturation points run from 1e3 to 1e9 and whose sizes run over
        // four orders: a plain budget/channels scaling leaves SLSQP's identity Hessian wrong by
        // orders of magnitude, and it stopped up to 144 (3e-6 of the budget) from the optimum.
        // The optimum is water-filling: b_c = max(0, a_c/μ − 1/k_c).
        var rng = SplitMix(seed: 77)
        let n = 30
        let specs: [(a: Double, k: Double)] = (0..<n).map { _ in (pow(10, 4 * rng.uniform()), pow(10, -3 - 6 * rng.uniform())) }
        let responses = specs.enumerated().map { LogResponse(a: draws(mean: $1.a, spread: 0.2, count: 50, seed: 500 + UInt64($0)), k: $1.k) }
        let abar = responses.map { $0.a.reduce(0, +) / 50 }
        let budget = 5e7
        func spend(_ inverseMu: Double) -> [Double] { (0..<n).map { max(0, abar[$0] * inverseMu - 1 / specs[$0].k) } }
        var lo = 0.0, hi = 1e15
        for _ in 0..<300 {
            let mid = (lo + hi) / 2
            if spend(mid).reduce(0, +) < budget { lo = mid } else { hi = mid }
        }
        let exact = spend((lo + hi) / 2)
        #expect(exact.filter { $0 > 0 }.count >= 10, "the test needs many interior channels")
        let problem = try PlanProblem(channels: (0..<n).map { "c\($0)" }, responses: responses, budget: budget)
        let (plan, _) = try PlanOptimizer(choice: .slsqp, randomStarts: 0).optimize(problem)
        for c in 0..<n { #expect(abs(plan[c] - exact[c]) <= 1e-6 * budget, "channel \(c): \(plan[c]) vs \(exact[c])") }
    }

    @Test func fiftyHillChannelsNeedTensOfEvaluations() throws {
        // Hill curves with slopes 0.8–2 around spends from 1e4 to 1e6, like the bench's posterior
        // curves. SLSQP begins with an identity Hessian; scaled by each channel's curvature that
        // guess is nearly right. Scaled by budget/channels alone, this run took 278 evaluations
        // and stopped short of the KKT tolerance.
        var rng = SplitMix(seed: 91)
        let n = 50
        var responses: [HillResponse] = [], current: [Double] = []
        for c in 0..<n {
            let spend = pow(10, 4 + 2 * rng.uniform())
            responses.append(HillResponse(a: draws(mean: spend * (2 + 4 * rng.uniform()), spread: 0.2, count: 40, seed: 900 + UInt64(c)),
                                          kappa: spend * (0.5 + rng.uniform()), slope: 0.8 + 1.2 * rng.uniform()))
            current.append(spend)
        }
        let budget = current.reduce(0, +)
        let problem = try PlanProblem(channels: (0..<n).map { "c\($0)" }, responses: responses, budget: budget,
                                        lower: current.map { 0.2 * $0 }, upper: current.map { 3 * $0 })
        let (plan, report) = try PlanOptimizer(choice: .slsqp, randomStarts: 0).optimize(problem, start: current)
        let evaluation = PlanEvaluation(problem, plan: plan)
        let kkt = OptimalityReport(problem, plan: plan, gradient: evaluation.objectiveGradient)
        #expect(kkt.interior.count >= 10 && kkt.interiorSpread < 1e-5, "\(kkt.interior.count) interior, spread \(kkt.interiorSpread)")
        // Two starts (the current mix and the even split); 128 when this test was written.
        #expect(report.evaluations <= 160, "\(report.evaluations) evaluations")
    }

    @Test func boundsBindAndTheRestRebalances() throws {
        // Unbounded, channel a would take 9/14 of the budget; capped at 30%, the rest splits 1:4.
        let responses = [SqrtResponse(a: [3]), SqrtResponse(a: [1]), SqrtResponse(a: [2])]
        let problem = try PlanProblem(channels: ["a", "b", "c"], responses: responses, budget: 100,
                                        lower: [0, 0, 0], upper: [30, 100, 100])
        let (plan, _) = try PlanOptimizer(choice: .slsqp).optimize(problem)
        #expect(abs(plan[0] - 30) < 1e-6 && abs(plan[1] - 14) < 1e-5 && abs(plan[2] - 56) < 1e-5, "\(plan)")
        let evaluation = PlanEvaluation(problem, plan: plan)
        let kkt = OptimalityReport(problem, plan: plan, gradient: evaluation.objectiveGradient)
        #expect(kkt.atMaximum == ["a"] && kkt.interior == ["b", "c"] && kkt.boundViolation == 0)
    }
}

@Suite struct PropertyTests {
    /// A random problem: 2–20 channels, log responses, bounds that are sometimes tight or fixed.
    func randomProblem(seed: UInt64, objective: PlanObjective = .mean) throws -> PlanProblem {
        var rng = SplitMix(seed: seed)
        let n = 2 + Int(rng.next() % 19)
        let responses = (0..<n).map { c in
            LogResponse(a: draws(mean: 1 + 9 * rng.uniform(), spread: 0.3, count: 100, seed: seed * 100 + UInt64(c)),
                        k: 1e-6 * (0.5 + 5 * rng.uniform()))
        }
        var lower = [Double](repeating: 0, count: n), upper = [Double](repeating: 5e6, count: n)
        for c in 0..<n {
            switch rng.next() % 4 {
            case 0: lower[c] = 1e5 * rng.uniform() * 5; upper[c] = lower[c] + 1e5 * rng.uniform()  // tight
            case 1: lower[c] = 2e5 * rng.uniform(); upper[c] = lower[c]                              // fixed
            default: lower[c] = 0; upper[c] = 1e6 + 4e6 * rng.uniform()
            }
        }
        let lo = lower.reduce(0, +), hi = upper.reduce(0, +)
        let budget = lo + (hi - lo) * (0.1 + 0.8 * rng.uniform())
        return try PlanProblem(channels: (0..<n).map { "c\($0)" }, responses: responses, budget: budget,
                                 lower: lower, upper: upper, objective: objective)
    }

    @Test(arguments: Array(UInt64(1)...UInt64(25)))
    func everyPlanSpendsTheBudgetWithinBounds(seed: UInt64) throws {
        let problem = try randomProblem(seed: seed)
        for choice in [OptimizerChoice.slsqp, .ga] {
            let (plan, _) = try PlanOptimizer(choice: choice, seed: seed).optimize(problem)
            #expect(abs(plan.reduce(0, +) - problem.budget) <= 1e-9 * problem.budget, "\(choice): spends \(plan.reduce(0, +)) of \(problem.budget)")
            for c in plan.indices {
                #expect(plan[c] >= problem.lower[c] - 1e-9 * problem.budget && plan[c] <= problem.upper[c] + 1e-9 * problem.budget,
                        "\(choice) \(problem.channels[c]): \(plan[c]) outside [\(problem.lower[c]), \(problem.upper[c])]")
            }
        }
    }

    @Test(arguments: Array(UInt64(101)...UInt64(112)))
    func slsqpAndTheGeneticAlgorithmAgree(seed: UInt64) throws {
        let problem = try randomProblem(seed: seed)
        let (a, _) = try PlanOptimizer(choice: .slsqp, seed: seed).optimize(problem)
        let (b, _) = try PlanOptimizer(choice: .ga, seed: seed).optimize(problem)
        let va = PlanEvaluation(problem, plan: a).objective, vb = PlanEvaluation(problem, plan: b).objective
        #expect(abs(va - vb) <= 0.005 * abs(va), "SLSQP \(va), GA \(vb) on \(problem.channels.count) channels")
        #expect(va >= vb - 1e-9 * abs(va), "SLSQP should not lose to the GA on a concave problem")
    }
}

@Suite struct RiskAndEdgeCaseTests {
    @Test func riskAverseObjectivesPreferTheSurerChannel() throws {
        // Same mean response; "risky" varies ten times more across draws.
        let sure = SqrtResponse(a: draws(mean: 2, spread: 0.05, count: 2000, seed: 1))
        let riskyDraws = draws(mean: 2, spread: 0.6, count: 2000, seed: 2)
        let scale = 2 / (riskyDraws.reduce(0, +) / 2000)
        let risky = SqrtResponse(a: riskyDraws.map { $0 * scale * (sure.a.reduce(0, +) / 2000) / 2 })
        var shares: [String: Double] = [:]
        for (name, objective) in [("mean", PlanObjective.mean), ("sd", .meanMinusSD(lambda: 1)), ("cvar", .cvar(alpha: 0.1))] {
            let p = try PlanProblem(channels: ["sure", "risky"], responses: [sure, risky], budget: 1000, objective: objective)
            let (plan, _) = try PlanOptimizer(choice: .auto).optimize(p)
            shares[name] = plan[0] / 1000
        }
        #expect(abs(shares["mean"]! - 0.5) < 0.02, "mean splits evenly: \(shares)")
        #expect(shares["sd"]! > shares["mean"]! + 0.05, "\(shares)")
        #expect(shares["cvar"]! > shares["mean"]! + 0.05, "\(shares)")
    }

    @Test func theGeneticAlgorithmSearchesATailObjectiveOnEnoughDraws() throws {
        // CVaR 5% over 4,000 draws is the mean of the worst 200. Searched on 400 draws, it would
        // be the worst 20, and the GA would tune the plan to those few.
        let responses = (0..<6).map { c in
            SqrtResponse(a: draws(mean: 1 + Double(c) * 0.3, spread: 0.15 + 0.1 * Double(c), count: 4000, seed: 300 + UInt64(c)))
        }
        let problem = try PlanProblem(channels: (0..<6).map { "c\($0)" }, responses: responses, budget: 1e6, objective: .cvar(alpha: 0.05))
        let (a, _) = try PlanOptimizer(choice: .slsqp).optimize(problem)
        let (b, _) = try PlanOptimizer(choice: .ga).optimize(problem)
        let va = PlanEvaluation(problem, plan: a).objective, vb = PlanEvaluation(problem, plan: b).objective
        #expect(abs(va - vb) <= 0.001 * abs(va), "SLSQP \(va), GA \(vb)")
    }

    @Test func infeasibleBudgetsNameTheNumbers() {
        let r = [SqrtResponse(a: [1]), SqrtResponse(a: [1])]
        #expect(throws: BudgetError.infeasible("the budget 2.5M is below the sum of the channel minimums 3M (tv 2M + web 1M)")) {
            try PlanProblem(channels: ["tv", "web"], responses: r, budget: 2.5e6, lower: [2e6, 1e6], upper: [5e6, 5e6])
        }
        #expect(throws: BudgetError.infeasible("the budget 12M is above the sum of the channel maximums 10M; raise a maximum or lower the budget")) {
            try PlanProblem(channels: ["tv", "web"], responses: r, budget: 12e6, lower: [0, 0], upper: [5e6, 5e6])
        }
        #expect(throws: BudgetError.self) {
            try PlanProblem(channels: ["tv", "web"], responses: r, budget: 1e6, lower: [3e6, 0], upper: [2e6, 5e6])
        }
    }

    @Test func singleChannelFixedChannelsAndDeadChannels() throws {
        let one = try PlanProblem(channels: ["only"], responses: [SqrtResponse(a: [2, 3])], budget: 500)
        #expect(try PlanOptimizer().optimize(one).plan == [500])

        let fixed = try PlanProblem(channels: ["a", "b"], responses: [SqrtResponse(a: [1]), SqrtResponse(a: [5])],
                                      budget: 300, lower: [100, 200], upper: [100, 200])
        let fixedPlan = try PlanOptimizer().optimize(fixed).plan
        #expect(abs(fixedPlan[0] - 100) < 1e-9 && abs(fixedPlan[1] - 200) < 1e-9)

        // A channel with no response gets nothing above its minimum.
        struct Dead: ChannelResponse {
            var drawCount: Int { 3 }
            func evaluate(budget: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
                for d in 0..<3 { values[d] = 0; slopes[d] = 0 }
            }
        }
        let dead = try PlanProblem(channels: ["dead", "live"], responses: [Dead(), SqrtResponse(a: [1, 2, 3])],
                                     budget: 1000, lower: [50, 0], upper: [1000, 1000])
        let plan = try PlanOptimizer().optimize(dead).plan
        #expect(abs(plan[0] - 50) < 1e-6 * 1000 && abs(plan[1] - 950) < 1e-6 * 1000, "\(plan)")
    }

    @Test func planEvaluationBandsAndUplift() throws {
        let p = try PlanProblem(channels: ["a", "b"], responses: [SqrtResponse(a: draws(mean: 3, spread: 0.3, count: 500, seed: 4)),
                                                                     SqrtResponse(a: draws(mean: 1, spread: 0.3, count: 500, seed: 5))],
                                  budget: 100)
        let (plan, _) = try PlanOptimizer().optimize(p)
        let best = PlanEvaluation(p, plan: plan), even = PlanEvaluation(p, plan: [50, 50])
        for c in best.channels {
            #expect(c.revenue.lower <= c.revenue.mean && c.revenue.mean <= c.revenue.upper)
            #expect(c.marginalROAS.lower <= c.marginalROAS.mean && c.marginalROAS.mean <= c.marginalROAS.upper)
        }
        let (change, probability) = best.uplift(over: even)
        #expect(change.mean > 0 && probability > 0.9, "uplift \(change), P \(probability)")
    }
}

/// Curves whose marginal is unbounded at zero (a Hill slope below 1, as some posterior draws have)
/// put a small channel's optimum at a few currency units: positive, but so close to the bound
/// that SLSQP's quasi-Newton steps stall there and leave its marginal far from the others'.
@Suite struct TinyOptimumTests {
    @Test func tinyInteriorSpendMeetsTheFirstOrderConditions() throws {
        // Four log curves (marginals of a few currency units per unit) take the budget; two Hill curves with slope ½, κ = 10⁵ and a plateau of
        // a few thousand have marginal ≈ a/(2√(bκ)), equal to the common λ at b = (a/2λ)²/κ, a
        // few currency units.
        let logs = [(5e6, 2e-6), (3e6, 5e-6), (8e6, 1e-6), (2e6, 4e-6)].enumerated().map {
            LogResponse(a: draws(mean: $1.0, spread: 0.3, count: 400, seed: 40 + UInt64($0)), k: $1.1) as any ChannelResponse
        }
        let hills = [2_000.0, 5_000.0].enumerated().map {
            HillResponse(a: draws(mean: $1, spread: 0.3, count: 400, seed: 60 + UInt64($0)), kappa: 1e5, slope: 0.5) as any ChannelResponse
        }
        let budget = 3_000_000.0
        let problem = try PlanProblem(channels: (1...6).map { "c\($0)" }, responses: logs + hills, budget: budget)
        for choice in [OptimizerChoice.slsqp, .auto] {
            let (plan, _) = try PlanOptimizer(choice: choice).optimize(problem)
            #expect(plan[4] > 0 && plan[4] < 10 && plan[5] > 0 && plan[5] < 100, "\(choice): small channels at \(plan[4]), \(plan[5])")
            let kkt = OptimalityReport(problem, plan: plan, gradient: PlanEvaluation(problem, plan: plan).objectiveGradient)
            // c5's optimum (under a unit) is inside the report's slack of the bound, so it counts
            // as at its minimum, where its marginal must not exceed the common one.
            #expect(kkt.interior.count >= 5 && kkt.interiorSpread < 1e-5 && kkt.boundViolation < 1e-5, "\(choice): interior \(kkt.interior), spread \(kkt.interiorSpread), plan \(plan), marginals \(PlanEvaluation(problem, plan: plan).objectiveGradient)")
            #expect(abs(plan.reduce(0, +) - budget) <= 1e-9 * budget)
        }
    }
}
