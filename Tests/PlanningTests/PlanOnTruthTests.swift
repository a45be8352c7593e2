import Foundation
import Testing
import BudgetOptimization
import MediaModel
@testable import Simulation
import Sampling
@testable import Planning

/// The optimizer on a real posterior, from data simulated from known truth: the plan spends
/// exactly the budget, interior channels end with equal marginal ROAS, and SLSQP and the genetic
/// algorithm agree within 1%.
@Suite struct PlanOnTruthTests {
    @Test func planFromAFittedPosterior() throws {
        var truth = SimulationTruth(periods: 104, intercept: 1000, noise: 40, channels: [
            .init(name: "tv", weeklySpend: 100, effect: 500, alpha: 0.6, halfSaturation: 0.5, slope: 1.5),
            .init(name: "search", weeklySpend: 60, effect: 300, alpha: 0.2, halfSaturation: 0.4, slope: 1.0),
            .init(name: "social", weeklySpend: 40, effect: 250, alpha: 0.4, halfSaturation: 0.6, slope: 2.0),
            .init(name: "display", weeklySpend: 20, effect: 120, alpha: 0.3, halfSaturation: 0.3, slope: 1.2),
        ])
        truth.trend = 150
        let history = truth.simulate(seed: 12)
        var config = SamplerConfiguration()
        config.seed = 12; config.warmup = 500; config.draws = 250
        let posterior = try Posterior(model: try MediaMixModel(data: history.dataset), configuration: config)
        let curves = posterior.responseCurves(horizon: 13)
        let data = history.dataset
        // The current mix: the last 13 weeks' spend.
        let current = data.spend.map { $0.suffix(13).reduce(0, +) }
        let budget = current.reduce(0, +)
        let problem = try PlanProblem(channels: data.channels, responses: curves, budget: budget,
                                        lower: current.map { 0.3 * $0 }, upper: current.map { 3 * $0 })
        let (slsqp, report) = try PlanOptimizer(choice: .slsqp, seed: 1).optimize(problem, start: current)
        let (ga, _) = try PlanOptimizer(choice: .ga, seed: 1).optimize(problem, start: current)

        #expect(abs(slsqp.reduce(0, +) - budget) <= 1e-9 * budget)
        let evaluation = PlanEvaluation(problem, plan: slsqp)
        let kkt = OptimalityReport(problem, plan: slsqp, gradient: evaluation.objectiveGradient)
        #expect(kkt.interior.count >= 2, "interior: \(kkt.interior), at min \(kkt.atMinimum), at max \(kkt.atMaximum)")
        #expect(kkt.interiorSpread < 1e-4, "marginal ROAS spread among interior channels: \(kkt.interiorSpread) (\(report.status))")
        #expect(kkt.boundViolation < 1e-4)
        let a = evaluation.objective, b = PlanEvaluation(problem, plan: ga).objective
        #expect(abs(a - b) <= 0.01 * abs(a), "SLSQP \(a), GA \(b)")
        // The optimized plan does at least as well as the current mix on average.
        let (change, _) = evaluation.uplift(over: PlanEvaluation(problem, plan: current))
        #expect(change.mean >= 0)
    }
}
