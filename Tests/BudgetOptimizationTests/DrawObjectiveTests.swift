import Foundation
import Testing
@testable import BudgetOptimization

/// Flat plans and schedules share one definition of every objective (`DrawObjective`): the same
/// totals give the same value and weights, the genetic cross-check searches on as many draws
/// whichever kind of plan it checks, and a subsample keeps each draw's baseline with its draw.
@Suite struct DrawObjectiveTests {
    static let objectives: [PlanObjective] = [
        .mean, .meanMinusSD(lambda: 0.7), .cvar(alpha: 0.1), .cvarUplift(alpha: 0.05, baseline: (0..<300).map { 40 + Double($0 % 17) }),
    ]

    /// Every objective's weights are its derivative in each draw's total (central differences).
    @Test(arguments: objectives.indices)
    func weightsAreTheDerivativeInEachTotal(index: Int) {
        let objective = Self.objectives[index]
        var rng = SplitMix(seed: 5)
        let totals = (0..<300).map { _ in 100 + 30 * rng.normal() }
        var evaluator = DrawObjective(objective, draws: totals.count)
        var weights = [Double](repeating: 0, count: totals.count)
        let value = evaluator.evaluate(totals: totals, weights: &weights)
        #expect(value.isFinite)
        var scratch = weights
        // The worst draws (in a tail objective's tail, weight 1/k), the k-th worst and a draw just
        // outside a 5% or 10% tail, and a few from the middle.
        let ranked = totals.indices.sorted { totals[$0] < totals[$1] }
        for d in [ranked[0], ranked[1], ranked[14], ranked[16], ranked[29], ranked[31], 7, 150, 299] {
            // A step that moves no draw across the tail's boundary: the tail objectives are
            // piecewise linear, so the difference is exact on the piece.
            let h = 1e-7
            var up = totals, down = totals
            up[d] += h; down[d] -= h
            let slope = (evaluator.evaluate(totals: up, weights: &scratch) - evaluator.evaluate(totals: down, weights: &scratch)) / (2 * h)
            #expect(abs(slope - weights[d]) <= 1e-6 * max(1, abs(weights[d])) + 1e-9, "\(objective) draw \(d): \(slope) vs \(weights[d])")
        }
        // The weights of every objective here sum to 1: moving every draw up by 1 moves J by 1.
        #expect(abs(weights.reduce(0, +) - 1) <= 1e-9, "\(objective): weights sum to \(weights.reduce(0, +))")
    }

    @Test func crossCheckDrawsFollowTheTailWhateverThePlanKind() {
        #expect(PlanObjective.mean.geneticSearchDraws == 400)
        #expect(PlanObjective.cvar(alpha: 0.1).geneticSearchDraws == 1000)
        #expect(PlanObjective.cvarUplift(alpha: 0.1, baseline: []).geneticSearchDraws == 1000)
        #expect(PlanObjective.cvarUplift(alpha: 0.05, baseline: []).geneticSearchDraws == 2000)
    }

    /// A weekly cvar_uplift plan is cross-checked on ≥ 100/α draws, as a flat one is.
    @Test func aWeeklyCVaRUpliftPlanIsCrossCheckedOnATailsWorthOfDraws() throws {
        let H = 4, C = 2, D = 1200
        let responses = scheduleResponses(channels: C, periods: H, lags: 2, draws: D, seed: 31)
        let start = [Double](repeating: 2e5 / Double(C * H), count: C * H)
        let plain = try PlanProblem(channels: ["a", "b"], periods: H, responses: responses, budget: 2e5)
        let baseline = PlanEvaluator(plain)
        _ = baseline.evaluate(start)
        let problem = try PlanProblem(channels: ["a", "b"], periods: H, responses: responses, budget: 2e5,
                                          objective: .cvarUplift(alpha: 0.1, baseline: baseline.totals))
        var optimizer = PlanOptimizer(choice: .auto)
        optimizer.geneticGenerations = 5
        let (_, report) = try optimizer.optimize(problem, start: start)
        #expect(report.geneticSearchDraws == 1000, "searched on \(report.geneticSearchDraws) draws")
    }

    /// A subsample of a cvar_uplift schedule problem judges each draw against its own baseline:
    /// its objective equals the one computed by hand on those draws.
    @Test func aSubsampledScheduleKeepsEachDrawsBaseline() throws {
        let H = 3, D = 500
        let responses = scheduleResponses(channels: 2, periods: H, lags: 2, draws: D, seed: 37)
        let baselineTotals = (0..<D).map { 1e5 + 10 * Double($0) }
        let problem = try PlanProblem(channels: ["a", "b"], periods: H, responses: responses, budget: 1e5,
                                          objective: .cvarUplift(alpha: 0.2, baseline: baselineTotals))
        let coarse = problem.subsampled(to: 100)
        let plan = [Double](repeating: 1e5 / 6, count: 6)
        let evaluator = PlanEvaluator(coarse)
        let value = evaluator.evaluate(plan)
        let indices = (0..<100).map { $0 * D / 100 }
        let uplift = zip(evaluator.totals, indices).map { $0 - baselineTotals[$1] }.sorted()
        let expected = uplift.prefix(20).reduce(0, +) / 20
        #expect(abs(value - expected) <= 1e-9 * abs(expected), "\(value) vs \(expected)")
    }
}
