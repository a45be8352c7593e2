import Foundation
import Testing
@testable import BudgetOptimization

/// Newton's method on schedules (`BlockNewtonSolver`, `BlockQP`) against central
/// differences, SLSQP's optimum and the first-order conditions.
@Suite struct BlockNewtonTests {
    /// Months of 3, 4 and 3 weeks with budgets of different weight, an off-week pattern, one
    /// channel held above its minimum and one below its maximum.
    func constrainedProblem(draws: Int = 120) throws -> PlanProblem {
        let H = 10, C = 4, budget = 4e6
        let responses = scheduleResponses(channels: C, periods: H, lags: 3, draws: draws, carryIn: 0.8, seed: 31)
        var caps = [Double](repeating: 3e5, count: C * H)
        for t in stride(from: 0, to: H, by: 3) { caps[3 * H + t] = 0 }
        return try PlanProblem(channels: (0..<C).map { "c\($0)" }, periods: H, responses: responses, budget: budget,
                                   lower: [0, 1.4e6, 0, 0], upper: [budget, budget, 0.5e6, budget], caps: caps,
                                   periodBudgets: [PeriodBudget(periods: [0, 1, 2], amount: 0.9e6, label: "m1"),
                                                   PeriodBudget(periods: [3, 4, 5, 6], amount: 1.9e6, label: "m2"),
                                                   PeriodBudget(periods: [7, 8, 9], amount: 1.2e6, label: "m3")])
    }

    @Test func hessianBlocksFromOneGradientPerPeriodMatchCentralDifferencesPerCell() throws {
        // Moving every channel's week-t cell at once must give each channel's own column t: the
        // objective has no cross-channel second derivatives under the mean.
        let H = 6, C = 3
        let responses = scheduleResponses(channels: C, periods: H, lags: 3, draws: 50, carryIn: 0.5)
        let problem = try PlanProblem(channels: (0..<C).map { "c\($0)" }, periods: H, responses: responses, budget: 1.2e6)
        var rng = SplitMix(seed: 8)
        let point = (0..<(C * H)).map { _ in 4e4 + 6e4 * rng.uniform() }
        let evaluator = PlanEvaluator(problem)
        let blocks = BlockNewtonSolver(problem: problem, feasible: FeasibleSet(problem)).hessianBlocks(at: point, curvature: evaluator)
        for c in 0..<C {
            for t in 0..<H {
                let i = c * H + t, h = 1e-3 * point[i]
                var up = point, down = point
                up[i] += h; down[i] -= h
                let gu = evaluator.evaluateWithGradient(up).1, gd = evaluator.evaluateWithGradient(down).1
                let scale = (0..<H).map { abs(blocks[c * H * H + $0 * H + $0]) }.max()!
                for r in 0..<H {
                    let numeric = -(gu[c * H + r] - gd[c * H + r]) / (2 * h)
                    #expect(abs(blocks[c * H * H + r * H + t] - numeric) <= 1e-3 * scale, "channel \(c) (\(r), \(t)): \(blocks[c * H * H + r * H + t]) vs \(numeric)")
                }
                for other in 0..<C where other != c {
                    for r in 0..<H { #expect(gu[other * H + r] == gd[other * H + r], "channel \(other) moved with channel \(c)'s spend") }
                }
            }
        }
    }

    @Test func newtonReachesSLSQPsOptimumUnderMonthsCapsAndChannelBounds() throws {
        // Concave curves: one optimum, which SLSQP (dense, affordable at 40 cells) certifies.
        let problem = try constrainedProblem()
        var slsqp = PlanOptimizer(choice: .slsqp)
        slsqp.strategy.newtonCells = .max
        var newton = PlanOptimizer(choice: .slsqp)
        newton.strategy.newtonCells = 0
        newton.strategy.coarseDraws = 40  // the first pass on a third of the draws, as on large problems
        let (reference, _) = try slsqp.optimize(problem)
        let (plan, report) = try newton.optimize(problem)
        let evaluator = PlanEvaluator(problem)
        let (value, referenceValue) = (evaluator.evaluate(plan), evaluator.evaluate(reference))
        #expect(value >= referenceValue - 1e-9 * abs(referenceValue), "Newton \(value) vs SLSQP \(referenceValue) (\(report.status))")
        let unit = problem.budget / Double(problem.dimension)
        let gap = zip(plan, reference).map { abs($0 - $1) }.max()!
        #expect(gap <= 1e-4 * unit, "largest cell difference \(gap / unit) of budget/cells")
        #expect(FeasibleSet(problem).isFeasible(plan, tolerance: 1e-9))
        // Channel 1 sits on its minimum, channel 2 on its maximum.
        let totals = (0..<4).map { c in (0..<10).reduce(0) { $0 + plan[c * 10 + $1] } }
        #expect(abs(totals[1] - 1.4e6) <= 1e-6 * problem.budget && abs(totals[2] - 0.5e6) <= 1e-6 * problem.budget, "\(totals)")
        let kkt = ScheduleOptimality(problem, schedule: plan, gradient: evaluator.evaluateWithGradient(plan).1)
        for g in kkt.groups {
            #expect(g.interiorSpread < 1e-7 && g.boundViolation < 1e-7, "\(g.label): spread \(g.interiorSpread), violation \(g.boundViolation)")
        }
    }

    @Test func aLargeScheduleWithMonthlyBudgetsMeetsItsFirstOrderConditions() throws {
        // 390 cells: past the size where SLSQP's dense steps were given up; the augmented
        // Lagrangian used there before stopped far from these conditions under month budgets.
        let H = 13, C = 30, budget = 3e7
        let responses = scheduleResponses(channels: C, periods: H, lags: 4, draws: 40, carryIn: 0.6, seed: 5)
        let months = [PeriodBudget(periods: Array(0..<4), amount: 0.25 * budget, label: "month 1"),
                      PeriodBudget(periods: Array(4..<8), amount: 0.35 * budget, label: "month 2"),
                      PeriodBudget(periods: Array(8..<13), amount: 0.40 * budget, label: "month 3")]
        let problem = try PlanProblem(channels: (0..<C).map { "c\($0)" }, periods: H, responses: responses, budget: budget,
                                          periodBudgets: months)
        let (plan, report) = try PlanOptimizer(choice: .slsqp).optimize(problem, start: [Double](repeating: budget / Double(C * H), count: C * H))
        #expect(FeasibleSet(problem).isFeasible(plan, tolerance: 1e-9))
        let kkt = ScheduleOptimality(problem, schedule: plan, gradient: PlanEvaluation(problem, plan: plan).cellGradient)
        #expect(kkt.groups.count == 3)
        for g in kkt.groups {
            #expect(g.interiorCells > 0 && g.interiorSpread < 1e-6 && g.boundViolation < 1e-6,
                    "\(g.label): \(g.interiorCells) interior cells, spread \(g.interiorSpread), violation \(g.boundViolation) (\(report.status), \(report.slsqpEvaluations) evaluations)")
        }
    }

    @Test func blockQPStepIsOptimalForItsModel() throws {
        // The subproblem alone, with random positive definite blocks: no feasible exchange
        // between two cells of one month and one channel-free pair improves the model
        // gᵀd − ½dᵀQd (its first-order conditions, checked by moving a little spend).
        let problem = try constrainedProblem(draws: 5)
        let C = 4, H = 10
        var rng = SplitMix(seed: 77)
        let start = FeasibleSet(problem).evenSplit()
        let gradient = (0..<(C * H)).map { _ in 1 + rng.uniform() }
        // Q = (AᵀA + I)·10⁻⁵, so steps are of the order of a cell.
        let blocks = randomCurvatureBlocks(channels: C, periods: H, ridge: 1, scale: 1e-5, rng: &rng)
        let qp = BlockQP(problem: problem, schedule: start, gradient: gradient, curvature: blocks)
        let (step, _) = qp.solve()
        let set = FeasibleSet(problem)
        let raw = zip(start, step).map(+)
        #expect(set.isFeasible(raw, tolerance: 1e-9))
        let x = set.project(raw)
        func model(_ d: [Double]) -> Double {
            var v = 0.0
            for c in 0..<C {
                for i in 0..<H {
                    v += gradient[c * H + i] * d[c * H + i]
                    for j in 0..<H { v -= 0.5 * d[c * H + i] * blocks[c * H * H + i * H + j] * d[c * H + j] }
                }
            }
            return v
        }
        let best = model(zip(x, start).map(-))
        // Moves of 1 currency unit between any two cells, kept only when they stay feasible.
        var tried = 0
        for i in 0..<(C * H) {
            for j in 0..<(C * H) where i != j {
                var moved = x
                moved[i] += 1; moved[j] -= 1
                guard set.isFeasible(moved, tolerance: 1e-9) else { continue }
                tried += 1
                let d = zip(moved, start).map(-)
                #expect(model(d) <= best + 1e-9 * abs(best), "moving spend from cell \(j) to \(i) improves the model")
            }
        }
        #expect(tried > 100)
    }
}

/// The step's quadratic model under several month budgets, pinned or bounded channel totals and
/// caps: the price search must meet every month's budget, however the budgets trade spend.
/// (Coordinate sweeps once stopped when the largest residual did not shrink, missing budgets by
/// up to 20% where pinned channel totals move spend between months almost one for one.)
@Suite struct BlockQPBudgetTests {
    @Test func everyMonthMeetsItsBudgetOnRandomInstances() throws {
        var rng = SplitMix(seed: 2026)
        let C = 3, H = 6
        let months = [[0, 1], [2, 3, 4], [5]]
        for trial in 0..<40 {
            var caps = (0..<(C * H)).map { _ in 50 + 100 * rng.uniform() }
            for i in caps.indices where rng.uniform() < 0.15 { caps[i] = 0 }
            let x = caps.map { $0 * (0.2 + 0.6 * rng.uniform()) }
            let totals = (0..<C).map { c in (0..<H).reduce(0) { $0 + x[c * H + $1] } }
            let budget = totals.reduce(0, +)
            var lower = totals.map { rng.uniform() < 0.5 ? $0 * (0.8 + 0.2 * rng.uniform()) : 0 }
            var upper = totals.map { rng.uniform() < 0.5 ? $0 * (1 + 0.2 * rng.uniform()) : budget }
            if trial % 5 == 0 { lower[0] = totals[0]; upper[0] = totals[0] }
            let groups = months.enumerated().map { k, periods in
                PeriodBudget(periods: periods, amount: periods.reduce(0) { s, t in s + (0..<C).reduce(0) { $0 + x[$1 * H + t] } }, label: "m\(k)")
            }
            let problem = try PlanProblem(channels: (0..<C).map { "c\($0)" }, periods: H,
                                              responses: scheduleResponses(channels: C, periods: H, lags: 2, draws: 2, carryIn: 0),
                                              budget: budget, lower: lower, upper: upper, caps: caps, periodBudgets: groups)
            let blocks = randomCurvatureBlocks(channels: C, periods: H, ridge: 0.1, scale: 1e-2, rng: &rng)
            let gradient = (0..<(C * H)).map { _ in 0.5 + 1.5 * rng.uniform() }
            let (step, _) = BlockQP(problem: problem, schedule: x, gradient: gradient, curvature: blocks).solve()
            let y = zip(x, step).map(+)
            for g in groups {
                let spent = g.periods.reduce(0) { s, t in s + (0..<C).reduce(0) { $0 + y[$1 * H + t] } }
                #expect(abs(spent - g.amount) <= 1e-6 * g.amount, "trial \(trial) \(g.label): spends \(spent) of \(g.amount)")
            }
            for c in 0..<C {
                let total = (0..<H).reduce(0) { $0 + y[c * H + $1] }
                #expect(total >= lower[c] - 1e-6 * budget && total <= upper[c] + 1e-6 * budget, "trial \(trial) channel \(c): \(total)")
            }
            #expect(zip(y, caps).allSatisfy { $0 >= -1e-9 && $0 <= $1 + 1e-9 }, "trial \(trial): a cell outside [0, cap]")
        }
    }
}

/// Random positive definite curvature blocks (AᵀA + ridge·I)·scale, A standard normal,
/// `[channels, periods, periods]`.
func randomCurvatureBlocks(channels C: Int, periods H: Int, ridge: Double, scale: Double, rng: inout SplitMix) -> [Double] {
    var blocks = [Double](repeating: 0, count: C * H * H)
    for c in 0..<C {
        let a = (0..<(H * H)).map { _ in rng.normal() }
        for i in 0..<H {
            for j in 0..<H {
                var s = 0.0
                for k in 0..<H { s += a[k * H + i] * a[k * H + j] }
                blocks[c * H * H + i * H + j] = (s + (i == j ? ridge : 0)) * scale
            }
        }
    }
    return blocks
}
