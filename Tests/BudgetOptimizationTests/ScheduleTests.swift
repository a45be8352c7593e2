import Foundation
import Testing
@testable import BudgetOptimization

/// A schedule response with known parts, per draw d: geometric carry weights over `lags`
/// periods, s(a) = 1 − exp(−a/κ_d) (concave), effect β_d, and a carry-in h_d (`[lags − 1]`)
/// arriving in the first periods. Revenue bought = β Σ_τ [s(a_τ) − s(h_τ)] over the horizon and tail.
struct GeometricExpSchedule: ScheduleResponse {
    let periods: Int
    let lags: Int
    let alpha: Double
    let beta: [Double]
    let kappa: [Double]
    /// `[draws, lags − 1]`, or empty for none.
    let carry: [Double]
    var drawCount: Int { beta.count }
    var weights: [Double] {
        let raw = (0..<lags).map { pow(alpha, Double($0)) }
        return raw.map { $0 / raw.reduce(0, +) }
    }

    func inputs(_ d: Int, _ x: (Int) -> Double) -> [Double] {
        let w = weights
        var a = [Double](repeating: 0, count: periods + lags - 1)
        if !carry.isEmpty { for t in 0..<(lags - 1) { a[t] = carry[d * (lags - 1) + t] } }
        for t in 0..<periods { for l in 0..<lags { a[t + l] += w[l] * x(t) } }
        return a
    }

    func s(_ a: Double, _ d: Int) -> Double { 1 - exp(-a / kappa[d]) }

    func evaluate(spend: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>, gradients: UnsafeMutablePointer<Double>?) {
        let w = weights
        for d in 0..<drawCount {
            let a = inputs(d) { spend[$0] }, h = inputs(d) { _ in 0 }
            values[d] = beta[d] * zip(a, h).reduce(0) { $0 + s($1.0, d) - s($1.1, d) }
            if let g = gradients {
                for t in 0..<periods {
                    g[d * periods + t] = beta[d] * (0..<lags).reduce(0) { $0 + w[$1] * exp(-a[t + $1] / kappa[d]) / kappa[d] }
                }
            }
        }
    }

    func breakdown(spend: [Double]) -> ScheduleBreakdown {
        let D = drawCount, H = periods
        var values = [Double](repeating: 0, count: D)
        spend.withUnsafeBufferPointer { evaluate(spend: $0.baseAddress!, values: &values, gradients: nil) }
        let total = spend.reduce(0, +)
        return ScheduleBreakdown(bySpendPeriod: (0..<(D * H)).map { values[$0 / H] * (total > 0 ? spend[$0 % H] / total : 0) },
                                 arriving: (0..<(D * H)).map { i in beta[i / H] * s(inputs(i / H) { spend[$0] }[i % H], i / H) },
                                 carryIn: (0..<D).map { d in beta[d] * inputs(d) { _ in 0 }.reduce(0) { $0 + s($1, d) } })
    }

    func restricted(to indices: [Int]) -> any ScheduleResponse {
        GeometricExpSchedule(periods: periods, lags: lags, alpha: alpha, beta: indices.map { beta[$0] }, kappa: indices.map { kappa[$0] },
                             carry: carry.isEmpty ? [] : indices.flatMap { carry[($0 * (lags - 1))..<(($0 + 1) * (lags - 1))] })
    }
}

/// `channels` channels of sizes and saturation points a few times apart, `draws` draws each.
func scheduleResponses(channels: Int, periods: Int, lags: Int, draws: Int, carryIn: Double = 0, seed: UInt64 = 3) -> [GeometricExpSchedule] {
    var rng = SplitMix(seed: seed)
    return (0..<channels).map { c in
        let size = 1e6 * (1 + 3 * rng.uniform()), point = 5e4 * (1 + 2 * rng.uniform())
        let beta = (0..<draws).map { _ in size * exp(0.2 * rng.normal()) }
        let kappa = (0..<draws).map { _ in point * exp(0.15 * rng.normal()) }
        // Carry-in that fades over the first weeks, as from a heavy last month.
        let carry = carryIn > 0 ? (0..<draws).flatMap { _ in (0..<(lags - 1)).map { carryIn * point * pow(0.7, Double($0)) } } : []
        return GeometricExpSchedule(periods: periods, lags: lags, alpha: 0.3 + 0.1 * Double(c % 3), beta: beta, kappa: kappa, carry: carry)
    }
}

@Suite struct ScheduleTests {
    @Test func withoutCarryoverOrCarryInTheWeeklyOptimumIsFlat() throws {
        // Every period is the same concave curve: the optimum spends each channel evenly.
        let H = 13, C = 4
        let responses = scheduleResponses(channels: C, periods: H, lags: 1, draws: 200)
        let problem = try PlanProblem(channels: (0..<C).map { "c\($0)" }, periods: H, responses: responses, budget: 4e6)
        // Start from an uneven schedule so flatness is found, not inherited.
        var rng = SplitMix(seed: 9)
        let start = (0..<(C * H)).map { _ in 4e6 / Double(C * H) * (0.3 + 1.4 * rng.uniform()) }
        let (plan, _) = try PlanOptimizer(choice: .slsqp).optimize(problem, start: start)
        for c in 0..<C {
            let row = Array(plan[(c * H)..<((c + 1) * H)])
            let mean = row.reduce(0, +) / Double(H)
            #expect(row.allSatisfy { abs($0 - mean) <= 1e-6 * 4e6 / Double(C) }, "channel \(c): \(row)")
        }
        #expect(abs(plan.reduce(0, +) - 4e6) <= 1e-9 * 4e6)
    }

    /// cvar_uplift anchored at the starting schedule promises a plan whose worst-10% uplift over it
    /// is at least 0 on all draws, however the subsample SLSQP first learns on misjudges the tail
    /// (here 10 of 300 draws, and draws that disagree widely).
    @Test func underCVaRUpliftTheScheduleIsNeverWorseThanItsStart() throws {
        let H = 8, C = 3
        var responses = scheduleResponses(channels: C, periods: H, lags: 2, draws: 300, seed: 17)
        // Draws that disagree on which channel works: the tail is where they disagree most.
        var rng = SplitMix(seed: 23)
        responses = responses.map { r in
            GeometricExpSchedule(periods: r.periods, lags: r.lags, alpha: r.alpha, beta: r.beta.map { $0 * exp(0.8 * rng.normal()) },
                                 kappa: r.kappa, carry: r.carry)
        }
        let start = (0..<(C * H)).map { i in i < H ? 3e5 / Double(H) * 2.2 : 3e5 / Double(H) * 0.4 }
        let budget = start.reduce(0, +)
        let plain = try PlanProblem(channels: (0..<C).map { "c\($0)" }, periods: H, responses: responses, budget: budget)
        func problem(anchoredAt plan: [Double]) throws -> PlanProblem {
            let baseline = PlanEvaluator(plain)
            _ = baseline.evaluate(plan)
            return try PlanProblem(channels: (0..<C).map { "c\($0)" }, periods: H, responses: responses, budget: budget,
                                       objective: .cvarUplift(alpha: 0.1, baseline: baseline.totals))
        }
        var optimizer = PlanOptimizer(choice: .slsqp)
        optimizer.strategy.coarseDraws = 10
        // From a lopsided start, and again from the plan that run returned (anchored there): a plan
        // already at the optimum must not be moved to a worse one by a subsample's misjudged tail.
        for anchor in [start, try optimizer.optimize(problem(anchoredAt: start), start: start).plan] {
            let anchored = try problem(anchoredAt: anchor)
            let (plan, _) = try optimizer.optimize(anchored, start: anchor)
            let evaluator = PlanEvaluator(anchored)
            #expect(evaluator.evaluate(plan) >= evaluator.evaluate(anchor), "worst-10% uplift \(evaluator.evaluate(plan)) vs the start's \(evaluator.evaluate(anchor))")
            #expect(abs(plan.reduce(0, +) - budget) <= 1e-9 * budget)
        }
    }

    @Test func heavyCarryInMovesSpendOutOfTheFirstWeeks() throws {
        let H = 13, C = 3, L = 6
        let without = scheduleResponses(channels: C, periods: H, lags: L, draws: 200)
        let with = scheduleResponses(channels: C, periods: H, lags: L, draws: 200, carryIn: 1.5)
        let budget = 3e6
        func solve(_ r: [GeometricExpSchedule]) throws -> (PlanProblem, [Double]) {
            let p = try PlanProblem(channels: (0..<C).map { "c\($0)" }, periods: H, responses: r, budget: budget)
            return (p, try PlanOptimizer(choice: .slsqp).optimize(p).plan)
        }
        let (_, base) = try solve(without)
        let (problem, plan) = try solve(with)
        for c in 0..<C {
            let early = (0..<2).reduce(0) { $0 + plan[c * H + $1] }, earlyBase = (0..<2).reduce(0) { $0 + base[c * H + $1] }
            #expect(early < 0.8 * earlyBase, "channel \(c): first two weeks \(early) with carry-in vs \(earlyBase) without")
        }
        // KKT per period: every cell with spend shares one marginal; a cell at 0 has none higher.
        let evaluation = PlanEvaluation(problem, plan: plan)
        let kkt = ScheduleOptimality(problem, schedule: plan, gradient: evaluation.cellGradient)
        #expect(kkt.groups.count == 1 && kkt.groups[0].interiorCells >= C * (H - 3))
        #expect(kkt.groups[0].interiorSpread < 1e-5 && kkt.groups[0].boundViolation < 1e-5, "\(kkt.groups)")
        // What the carry-in earns alone is reported apart and is positive.
        #expect((evaluation.carryInTotal?.mean ?? 0) > 0)
    }

    @Test func periodBudgetsCapsAndPatternsAreMetExactly() throws {
        let H = 13, C = 4, budget = 5e6
        let responses = scheduleResponses(channels: C, periods: H, lags: 4, draws: 40)
        // Months of 4, 4 and 5 weeks; the first month's budget is small, the second large.
        let months = [PeriodBudget(periods: Array(0..<4), amount: 0.8e6, label: "2027-01"),
                      PeriodBudget(periods: Array(4..<8), amount: 2.4e6, label: "2027-02"),
                      PeriodBudget(periods: Array(8..<13), amount: 1.8e6, label: "2027-03")]
        var caps = [Double](repeating: 2e5, count: C * H)
        for t in stride(from: 1, to: H, by: 2) { caps[0 * H + t] = 0 }  // channel 0 on alternate weeks
        let problem = try PlanProblem(channels: (0..<C).map { "c\($0)" }, periods: H, responses: responses, budget: budget,
                                          lower: [0, 1.2e6, 0, 0], upper: [budget, budget, 1.0e6, budget], caps: caps,
                                          periodBudgets: months)
        for choice in [OptimizerChoice.slsqp, .ga] {
            let (plan, _) = try PlanOptimizer(choice: choice, geneticGenerations: 15).optimize(problem)
            for m in months {
                let spent = m.periods.reduce(0.0) { s, t in s + (0..<C).reduce(0) { $0 + plan[$1 * H + t] } }
                #expect(abs(spent - m.amount) <= 1e-9 * budget, "\(choice) \(m.label): \(spent) vs \(m.amount)")
            }
            #expect(abs(plan.reduce(0, +) - budget) <= 1e-9 * budget)
            #expect(zip(plan, caps).allSatisfy { $0 >= -1e-9 && $0 <= $1 + 1e-9 }, "\(choice): a cap or an off week is broken")
            let totals = (0..<C).map { c in (0..<H).reduce(0) { $0 + plan[c * H + $1] } }
            #expect(totals[1] >= 1.2e6 - 1e-6 * budget && totals[2] <= 1.0e6 + 1e-6 * budget, "\(choice): \(totals)")
        }
    }

    @Test func gradientMatchesCentralDifferences() throws {
        let H = 8, C = 3
        let responses = scheduleResponses(channels: C, periods: H, lags: 4, draws: 60, carryIn: 0.8)
        var rng = SplitMix(seed: 4)
        let point = (0..<(C * H)).map { _ in 3e4 + 6e4 * rng.uniform() }
        for objective in [PlanObjective.mean, .meanMinusSD(lambda: 0.7)] {
            let problem = try PlanProblem(channels: (0..<C).map { "c\($0)" }, periods: H, responses: responses, budget: 2e6, objective: objective)
            let evaluator = PlanEvaluator(problem)
            let (_, gradient) = evaluator.evaluateWithGradient(point)
            for i in 0..<(C * H) {
                let h = 1e-4 * point[i]
                var up = point, down = point
                up[i] += h; down[i] -= h
                let numeric = (evaluator.evaluate(up) - evaluator.evaluate(down)) / (2 * h)
                #expect(abs(numeric - gradient[i]) <= 1e-6 * max(abs(gradient[i]), 1e-3), "\(objective) cell \(i): \(gradient[i]) vs \(numeric)")
            }
        }
    }

    @Test func repairIsTheIdentityOnFeasibleSchedulesAndLandsInTheSet() throws {
        let H = 6, C = 3, budget = 1e6
        let responses = scheduleResponses(channels: C, periods: H, lags: 2, draws: 10)
        let problem = try PlanProblem(channels: ["a", "b", "c"], periods: H, responses: responses, budget: budget,
                                          lower: [2e5, 0, 0], upper: [budget, 3e5, budget],
                                          caps: [Double](repeating: 1e5, count: C * H),
                                          periodBudgets: [PeriodBudget(periods: [0, 1], amount: 4e5, label: "first")])
        let set = FeasibleSet(problem)
        var rng = SplitMix(seed: 12)
        for _ in 0..<20 {
            let wild = (0..<(C * H)).map { _ in 4e5 * (rng.uniform() - 0.3) }
            let repaired = set.project(wild)
            #expect(set.isFeasible(repaired, tolerance: 1e-9))
            let again = set.project(repaired)
            #expect(zip(again, repaired).allSatisfy { abs($0 - $1) <= 1e-8 * budget })
        }
    }

    @Test func inconsistentPeriodBudgetsAreRefused() throws {
        let responses = scheduleResponses(channels: 2, periods: 4, lags: 2, draws: 5)
        #expect(throws: BudgetError.self) {
            try PlanProblem(channels: ["a", "b"], periods: 4, responses: responses, budget: 1e6,
                                periodBudgets: [PeriodBudget(periods: [0, 1], amount: 3e5, label: "m1"),
                                                PeriodBudget(periods: [2, 3], amount: 3e5, label: "m2")])
        }
        #expect(throws: BudgetError.self) {
            try PlanProblem(channels: ["a", "b"], periods: 4, responses: responses, budget: 1e6,
                                caps: [Double](repeating: 1e5, count: 8))
        }
    }
}
