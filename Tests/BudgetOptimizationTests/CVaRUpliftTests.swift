import Foundation
import Testing
@testable import BudgetOptimization

/// r_d(b) = θ_d·b: a channel whose every draw is a straight line.
struct LinearResponse: ChannelResponse {
    let theta: [Double]
    var drawCount: Int { theta.count }
    func evaluate(budget b: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        for d in theta.indices { values[d] = theta[d] * b; slopes[d] = theta[d] }
    }
}

/// Total revenue per draw of `plan`, `[draws]`.
private func totals(_ responses: [any ChannelResponse], _ plan: [Double]) -> [Double] {
    let d = responses[0].drawCount
    var sum = [Double](repeating: 0, count: d)
    for (r, b) in zip(responses, plan) {
        var v = [Double](repeating: 0, count: d), s = v
        r.evaluate(budget: b, values: &v, slopes: &s)
        for i in 0..<d { sum[i] += v[i] }
    }
    return sum
}

/// The mean of the ⌈αD⌉ smallest values, computed independently of the evaluator.
private func worstMean(_ x: [Double], alpha: Double) -> Double {
    let k = max(1, Int((alpha * Double(x.count)).rounded(.up)))
    return x.sorted().prefix(k).reduce(0, +) / Double(k)
}

@Suite struct CVaRUpliftTests {
    @Test func valueAndGradientMatchADirectComputationAndCentralDifferences() throws {
        let responses: [any ChannelResponse] = [
            LogResponse(a: draws(mean: 5, spread: 0.3, count: 500, seed: 41), k: 2e-6),
            SqrtResponse(a: draws(mean: 900, spread: 0.5, count: 500, seed: 42)),
            HillResponse(a: draws(mean: 4e6, spread: 0.4, count: 500, seed: 43), kappa: 6e5, slope: 1.6),
        ]
        let current = [4e5, 3e5, 3e5]
        let alpha = 0.1
        let baseline = totals(responses, current)
        let problem = try PlanProblem(channels: ["a", "b", "c"], responses: responses, budget: 1e6,
                                        objective: .cvarUplift(alpha: alpha, baseline: baseline))
        let anchored = try PlanProblem(channels: ["a", "b", "c"], responses: responses, budget: 1e6,
                                         objective: .cvarUplift(alpha: alpha, baseline: [])).anchoringUplift(at: current)
        #expect(anchored.objective == problem.objective, "anchoringUplift sets the current mix's revenue per draw")
        let evaluator = PlanEvaluator(problem)
        #expect(evaluator.evaluate(current) == 0, "the baseline's uplift over itself is 0 in every draw")
        for plan in [[5e5, 2e5, 3e5], [1e5, 6e5, 3e5], [3.3e5, 3.3e5, 3.4e5]] {
            let (value, gradient) = evaluator.evaluateWithGradient(plan)
            let direct = worstMean(zip(totals(responses, plan), baseline).map { $0 - $1 }, alpha: alpha)
            #expect(abs(value - direct) <= 1e-9 * abs(direct), "\(value) vs \(direct)")
            for c in 0..<3 {
                // Steps small enough that no two draws swap places in the tail.
                let h = 1e-3
                var up = plan, down = plan
                up[c] += h; down[c] -= h
                let fd = (evaluator.evaluate(up) - evaluator.evaluate(down)) / (2 * h)
                #expect(abs(fd - gradient[c]) <= 1e-5 * max(abs(gradient[c]), 1e-3), "plan \(plan) channel \(c): \(gradient[c]) vs \(fd)")
            }
        }
    }

    @Test func aBaselineOfTheWrongSizeIsRefused() {
        let r = [SqrtResponse(a: [1, 2, 3])]
        #expect(throws: BudgetError.self) {
            try PlanProblem(channels: ["a"], responses: r, budget: 1, objective: .cvarUplift(alpha: 0.1, baseline: [1, 2]))
        }
        // Unanchored, the optimizer refuses rather than plan on plain CVaR of revenue.
        #expect(throws: BudgetError.self) {
            try PlanOptimizer().optimize(try PlanProblem(channels: ["a"], responses: r, budget: 1, objective: .cvarUplift(alpha: 0.1, baseline: [])))
        }
    }

    /// A known channel (10·√b) and a straight line θ_d·x whose slope the posterior is unsure of.
    /// For x above the current x₀ the worst draws of the uplift
    ///   √-part(B − x) − √-part(B − x₀) + θ_d (x − x₀)
    /// are those with the smallest θ, so CVaR = (known part) + θ̄_tail (x − x₀), maximized where
    /// 5/√(B − x) = θ̄_tail; the mean is maximized where 5/√(B − x) = θ̄.
    @Test func theRegretAverseOptimumIsKnownAndMovesLessThanTheMean() throws {
        let budget = 100.0, x0 = 20.0, alpha = 0.1
        let theta = draws(mean: 1, spread: 0.15, count: 2000, seed: 7)
        let known = SqrtResponse(a: Array(repeating: 10, count: theta.count))
        let line = LinearResponse(theta: theta)
        let k = Int((alpha * Double(theta.count)).rounded(.up))
        let thetaTail = theta.sorted().prefix(k).reduce(0, +) / Double(k)
        let thetaMean = theta.reduce(0, +) / Double(theta.count)
        let exactCVaR = budget - 25 / (thetaTail * thetaTail)
        let exactMean = budget - 25 / (thetaMean * thetaMean)
        #expect(exactCVaR > x0 + 10 && exactMean > exactCVaR + 10, "the test needs the two optima apart and above x₀")

        let current = [budget - x0, x0]
        let base = try PlanProblem(channels: ["known", "unsure"], responses: [known, line], budget: budget)
        let upliftProblem = try base.with(objective: .cvarUplift(alpha: alpha, baseline: [])).anchoringUplift(at: current)
        for choice in [OptimizerChoice.slsqp, .auto] {
            let (plan, report) = try PlanOptimizer(choice: choice).optimize(upliftProblem, start: current)
            #expect(abs(plan[1] - exactCVaR) <= 1e-5 * budget, "\(choice): \(plan[1]) vs \(exactCVaR) (\(report.status))")
            let value = PlanEvaluation(upliftProblem, plan: plan).objective
            let uplift = zip(totals([known, line], plan), totals([known, line], current)).map { $0 - $1 }
            #expect(value >= 0 && abs(worstMean(uplift, alpha: alpha) - value) <= 1e-9 * max(abs(value), 1))
        }
        let (meanPlan, _) = try PlanOptimizer(choice: .slsqp).optimize(base, start: current)
        #expect(abs(meanPlan[1] - exactMean) <= 1e-5 * budget, "\(meanPlan[1]) vs \(exactMean)")
    }

    @Test func whenThePosteriorIsUnsureOfOneChannelTheRegretAversePlanMovesLessAndNeverLosesInItsTail() throws {
        // Five Hill channels; "unsure" looks best on average but its draws disagree tenfold.
        let n = 5, count = 1000
        var responses: [any ChannelResponse] = []
        for c in 0..<n {
            let unsure = c == 2
            responses.append(HillResponse(a: draws(mean: unsure ? 3.2e6 : 2e6, spread: unsure ? 0.8 : 0.1, count: count, seed: 60 + UInt64(c)),
                                          kappa: 8e5, slope: 1.2))
        }
        let channels = (0..<n).map { $0 == 2 ? "unsure" : "c\($0)" }
        let current = [Double](repeating: 5e5, count: n)
        let budget = current.reduce(0, +)
        let meanProblem = try PlanProblem(channels: channels, responses: responses, budget: budget)
        for alpha in [0.05, 0.1, 0.25] {
            let problem = try meanProblem.with(objective: .cvarUplift(alpha: alpha, baseline: [])).anchoringUplift(at: current)
            let (meanPlan, _) = try PlanOptimizer(choice: .auto).optimize(meanProblem, start: current)
            let (riskPlan, _) = try PlanOptimizer(choice: .auto).optimize(problem, start: current)
            let move = { (p: [Double]) in zip(p, current).map { abs($0 - $1) }.reduce(0, +) }
            #expect(move(riskPlan) < 0.8 * move(meanPlan), "α \(alpha): moves \(move(riskPlan)) vs the mean's \(move(meanPlan))")
            #expect(riskPlan[2] < meanPlan[2], "α \(alpha): the unsure channel gets less")
            let riskValue = PlanEvaluation(problem, plan: riskPlan).objective
            let meanValue = PlanEvaluation(problem, plan: meanPlan).objective
            // The current mix is feasible and scores 0, so the optimum's worst-α uplift is ≥ 0.
            #expect(riskValue >= 0, "α \(alpha): worst-α uplift \(riskValue)")
            #expect(riskValue >= meanValue, "α \(alpha): \(riskValue) vs the mean plan's \(meanValue)")
            #expect(meanValue < 0, "α \(alpha): the mean plan loses in its worst draws (\(meanValue)), or the test shows nothing")
        }
    }
}
