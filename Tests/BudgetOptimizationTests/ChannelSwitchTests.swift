import Foundation
import Testing
@testable import BudgetOptimization

/// An S-shaped schedule response without carryover: per draw d, r = β_d Σₜ u³/(1 + u³) with
/// u = s_t/k_d (a Hill curve of slope 3).
struct HillSchedule: ScheduleResponse {
    let periods: Int
    let beta: [Double]
    let k: [Double]
    var drawCount: Int { beta.count }

    func evaluate(spend: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>, gradients: UnsafeMutablePointer<Double>?) {
        for d in 0..<drawCount {
            var total = 0.0
            for t in 0..<periods {
                let u = max(spend[t], 0) / k[d], cube = u * u * u
                total += cube / (1 + cube)
                gradients?[d * periods + t] = beta[d] * 3 * u * u / ((1 + cube) * (1 + cube)) / k[d]
            }
            values[d] = beta[d] * total
        }
    }

    func breakdown(spend: [Double]) -> ScheduleBreakdown {
        var values = [Double](repeating: 0, count: drawCount)
        spend.withUnsafeBufferPointer { evaluate(spend: $0.baseAddress!, values: &values, gradients: nil) }
        let share = spend.map { $0 / max(spend.reduce(0, +), 1e-300) }
        return ScheduleBreakdown(bySpendPeriod: (0..<(drawCount * periods)).map { values[$0 / periods] * share[$0 % periods] },
                                 arriving: (0..<(drawCount * periods)).map { values[$0 / periods] / Double(periods) },
                                 carryIn: [Double](repeating: 0, count: drawCount))
    }

    func restricted(to indices: [Int]) -> any ScheduleResponse {
        HillSchedule(periods: periods, beta: indices.map { beta[$0] }, k: indices.map { k[$0] })
    }
}

@Suite struct ChannelSwitchTests {
    @Test func aWeakSShapedChannelIsSwitchedOffWhereThatPays() throws {
        // Two concave channels (marginal 5·e^{−s/2·10⁵}) and one S-shaped one whose largest marginal
        // (0.84·β/k ≈ 1.8) is above the budget's marginal return (≈ 1.5) but whose best average
        // return (0.53·β/k ≈ 1.1) is below it: a local optimum keeps it on the concave side of
        // its bend at u ≈ 1.06, yet its money earns more in the other two.
        let H = 4, D = 20
        var rng = SplitMix(seed: 41)
        let concave = (0..<2).map { _ in
            GeometricExpSchedule(periods: H, lags: 1, alpha: 0.5, beta: (0..<D).map { _ in 1e6 * exp(0.05 * rng.normal()) },
                                 kappa: (0..<D).map { _ in 2e5 * exp(0.05 * rng.normal()) }, carry: [])
        }
        let weak = HillSchedule(periods: H, beta: (0..<D).map { _ in 2.14e5 * exp(0.05 * rng.normal()) }, k: [Double](repeating: 1e5, count: D))
        let budget = 2.36e6
        let responses: [any ScheduleResponse] = concave + [weak]
        let problem = try PlanProblem(channels: ["a", "b", "s"], periods: H, responses: responses, budget: budget)
        let evaluator = PlanEvaluator(problem)
        // The best schedule with the S-shaped channel off (it is concave there: SLSQP certifies it).
        var caps = [Double](repeating: budget, count: 3 * H)
        for t in 0..<H { caps[2 * H + t] = 0 }
        let offProblem = try PlanProblem(channels: ["a", "b", "s"], periods: H, responses: responses, budget: budget, caps: caps)
        var slsqp = PlanOptimizer(choice: .slsqp)
        slsqp.strategy.newtonCells = .max
        let (offPlan, offReport) = try slsqp.optimize(offProblem)
        #expect(offReport.method == "slsqp")
        let offValue = evaluator.evaluate(offPlan)

        // A start near that local optimum (as a plan's previous schedule may be). The premise:
        // Newton's method alone stops there, with the channel on and a worse objective.
        let start = (0..<(3 * H)).map { $0 < 2 * H ? (budget / Double(H) - 1.1e5) / 2 : 1.1e5 }
        let feasible = FeasibleSet(problem)
        let local = BlockNewtonSolver(problem: problem, feasible: feasible).solve(from: start, evaluator: evaluator, curvature: evaluator)
        let localWeak = (0..<H).reduce(0) { $0 + local.plan[2 * H + $1] }
        #expect(localWeak > 0.1 * budget && local.value < offValue - 1e-4 * offValue, "Newton alone: \(localWeak) in the S channel, \(local.value) vs \(offValue)")

        var newton = PlanOptimizer(choice: .slsqp)
        newton.strategy.newtonCells = 0
        let (plan, report) = try newton.optimize(problem, start: start)
        #expect(report.method == "newton", "labelled \(report.method)")
        let value = evaluator.evaluate(plan)
        #expect(value >= offValue - 1e-9 * offValue, "\(value) vs \(offValue) with the S channel off")
        #expect((0..<H).reduce(0) { $0 + plan[2 * H + $1] } <= 1e-6 * budget)
    }
}
