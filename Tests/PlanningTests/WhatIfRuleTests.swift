import BudgetOptimization
import Foundation
import Testing
@testable import Planning

/// r_d(b) = slope_d · b: a what-if's change is then known exactly.
private struct LinearResponse: ChannelResponse {
    let slope: [Double]
    var drawCount: Int { slope.count }
    func evaluate(budget b: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        for d in slope.indices { values[d] = slope[d] * b; slopes[d] = slope[d] }
    }
}

/// r(s) = Σ_t rate_t · s_t, one draw: a schedule whose revenue depends on when the money is spent.
private struct PeriodRateResponse: ScheduleResponse {
    let rates: [Double]
    var drawCount: Int { 1 }
    var periods: Int { rates.count }
    func evaluate(spend: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>, gradients: UnsafeMutablePointer<Double>?) {
        values[0] = rates.indices.reduce(0) { $0 + rates[$1] * spend[$1] }
        if let gradients { for t in rates.indices { gradients[t] = rates[t] } }
    }
    func breakdown(spend: [Double]) -> ScheduleBreakdown {
        let cells = rates.indices.map { rates[$0] * spend[$0] }
        return ScheduleBreakdown(bySpendPeriod: cells, arriving: cells, carryIn: [0])
    }
    func restricted(to indices: [Int]) -> any ScheduleResponse { self }
}

@Suite struct WhatIfRuleTests {
    // Channel a returns 2 or 3 per unit (two draws), b returns 2.5 in both.
    let problem = try! PlanProblem(channels: ["a", "b"],
                                     responses: [LinearResponse(slope: [2, 3]), LinearResponse(slope: [2.5, 2.5])],
                                     budget: 900_000, lower: [100_000, 0], upper: [1_000_000, 600_000])
    let base = [400_000.0, 500_000]

    func refusal(_ amount: Double) -> String? {
        do {
            _ = try Planner.evaluate(WhatIf(name: "m", amount: amount, from: "a", to: "b"), base: base, problem: problem, interval: 0.9)
            return nil
        } catch let e as InputError {
            #expect(e.kind == .configuration)
            return e.message
        } catch { return "\(error)" }
    }

    @Test func movesTheSpendAndOnlyTheSpendAllows() throws {
        // a can give 300k before its minimum, b can take 100k before its maximum: 100k at most.
        let hint = "the largest move from a to b here is 100,000"
        let beyondSpend = try #require(refusal(500_000))
        #expect(beyondSpend.contains("spends only 400,000") && beyondSpend.contains(hint), "\(beyondSpend)")
        let belowMinimum = try #require(refusal(350_000))
        #expect(belowMinimum.contains("below its minimum 100,000") && belowMinimum.contains(hint), "\(belowMinimum)")
        let aboveMaximum = try #require(refusal(200_000))
        #expect(aboveMaximum.contains("above its maximum 600,000") && aboveMaximum.contains(hint), "\(aboveMaximum)")
        #expect(refusal(100_000) == nil)

        // A channel at a bound (up to rounding) has nothing to give or no room to take.
        let atMinimum = [100_000.0 + 1e-10, 500_000]
        let message = try #require(throws: InputError.self) {
            try Planner.evaluate(WhatIf(name: "m", amount: 50_000, from: "a", to: "b"), base: atMinimum, problem: problem, interval: 0.9)
        }.message
        #expect(message.contains("a is at its minimum 100,000, so nothing can move from it"), "\(message)")
        let full = [300_000.0, 600_000]
        let other = try #require(throws: InputError.self) {
            try Planner.evaluate(WhatIf(name: "m", amount: 50_000, from: "a", to: "b"), base: full, problem: problem, interval: 0.9)
        }.message
        #expect(other.contains("b is at its maximum 600,000, so nothing can move to it"), "\(other)")

        // Moving 100k changes revenue by (2.5 − 2)·100k in one draw and (2.5 − 3)·100k in the other.
        let result = try Planner.evaluate(WhatIf(name: "m", amount: 100_000, from: "a", to: "b"), base: base, problem: problem, interval: 0.9)
        #expect(abs(result.change.mean) < 1e-6)
        #expect(result.probabilityBetter == 0.5)
    }

    /// On a week-by-week plan a what-if moves money along the schedules: out of the first channel
    /// in proportion to its spend per period, into the second in proportion to its own (evenly
    /// over its open periods when it spends nothing).
    @Test func aScheduleMovesAlongItsPeriods() throws {
        let problem = try PlanProblem(channels: ["a", "b", "c"], periods: 2,
                                      responses: [PeriodRateResponse(rates: [1, 3]), PeriodRateResponse(rates: [2, 5]),
                                                  PeriodRateResponse(rates: [4, 1])],
                                      budget: 100, caps: [100, 100, 100, 100, 0, 100])
        let plan = [10.0, 30, 20, 20, 0, 20]  // a spends 1:3, b evenly, c only in period 2
        let result = try Planner.evaluate(WhatIf(name: "m", amount: 8, from: "a", to: "b"), base: plan, problem: problem, interval: 0.9)
        // a loses 2 and 6; b gains 4 and 4: −2·1 − 6·3 + 4·2 + 4·5 = 8.
        #expect(abs(result.change.mean - 8) < 1e-9, "\(result.change.mean)")
        // Into a channel that spends nothing: its one open period (c's caps are 0 and 100).
        let empty = [10.0, 30, 20, 20, 0, 0]
        let intoEmpty = try Planner.evaluate(WhatIf(name: "m", amount: 4, from: "b", to: "c"), base: empty, problem: problem, interval: 0.9)
        // b loses 2 and 2; c gains 4 in period 2: −2·2 − 2·5 + 4·1 = −10.
        #expect(abs(intoEmpty.change.mean + 10) < 1e-9, "\(intoEmpty.change.mean)")
        #expect(intoEmpty.probabilityBetter == 0)
    }
}
