import Foundation
import Testing
@testable import BudgetOptimization

/// The schedule optimizer never returns a schedule worse (on all draws) than the start it was given.
@Suite struct ScheduleStartGuardTests {
    @Test func aSearchOnAMisleadingSubsampleDoesNotReplaceAnOptimalStart() throws {
        // Two channels whose effects swap draw by draw: the even draws (the genetic algorithm's
        // 400-draw search set here: every second of 800) favour channel 0 fivefold, the odd ones
        // channel 1. Over all draws the channels are alike, and every period is the same concave
        // curve (no carryover), so the even schedule is the exact optimum; the search, judging on
        // the even draws, moves budget to channel 0, which is worse on all draws.
        let H = 4, D = 800, budget = 8e5
        let beta0 = (0..<D).map { $0 % 2 == 0 ? 5e6 : 1e6 }, beta1 = (0..<D).map { $0 % 2 == 0 ? 1e6 : 5e6 }
        let kappa = [Double](repeating: 1e5, count: D)
        let responses = [beta0, beta1].map { GeometricExpSchedule(periods: H, lags: 1, alpha: 0.5, beta: $0, kappa: kappa, carry: []) }
        let problem = try PlanProblem(channels: ["a", "b"], periods: H, responses: responses, budget: budget)
        let start = [Double](repeating: budget / Double(2 * H), count: 2 * H)
        let evaluator = PlanEvaluator(problem)
        let startValue = evaluator.evaluate(start)
        // The premise: on the search's draws a schedule leaning to channel 0 beats the start.
        let searchSet = PlanEvaluator(problem.subsampled(to: 400))
        let leaning = (0..<(2 * H)).map { $0 < H ? 1.3 * start[$0] : 0.7 * start[$0] }
        #expect(searchSet.evaluate(leaning) > searchSet.evaluate(start) && evaluator.evaluate(leaning) < startValue)

        let (plan, report) = try PlanOptimizer(choice: .ga, seed: 3, randomStarts: 0, geneticGenerations: 40).optimize(problem, start: start)
        let value = evaluator.evaluate(plan)
        #expect(value >= startValue, "returned \(value) on all draws, below the start's \(startValue)")
        #expect(report.notices.contains { $0.contains("starting plan") }, "\(report.notices)")
    }
}
