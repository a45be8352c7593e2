import Foundation
import Testing
@testable import BudgetOptimization

/// Groups of variables with their own [min, max] totals (a channel's total over geos, a geo's over
/// channels): both optimizers keep them, and reach the known optimum.
@Suite struct SpendGroupTests {
    /// r_i(b) = a_i·√b with one draw: the optimum spreads a budget ∝ a_i² within any set of
    /// variables whose total is fixed.
    static let weights: [Double] = [3, 2, 1, 1]
    func problem(_ groups: [SpendGroup], budget: Double = 10) throws -> PlanProblem {
        try PlanProblem(channels: ["g0/tv", "g0/search", "g1/tv", "g1/search"],
                          responses: Self.weights.map { SqrtResponse(a: [$0]) }, budget: budget, groups: groups)
    }

    func expectClose(_ plan: [Double], _ expected: [Double], _ label: String) {
        for (x, y) in zip(plan, expected) { #expect(abs(x - y) < 1e-3, "\(label): plan \(plan), expected \(expected)") }
    }

    @Test(arguments: [OptimizerChoice.slsqp, .auto, .ga])
    func anActiveUpperBoundOnAGroupIsKeptAndTheRestSplitOptimally(choice: OptimizerChoice) throws {
        // Unbounded, variables 0 and 1 would take 8.67 of 10; their group may take at most 5.
        let p = try problem([SpendGroup(members: [0, 1], lower: 0, upper: 5, label: "first two")])
        let (plan, _) = try PlanOptimizer(choice: choice, seed: 3).optimize(p)
        #expect(abs(plan.reduce(0, +) - 10) <= 1e-9)
        #expect(plan[0] + plan[1] <= 5 + 1e-6)
        expectClose(plan, [5 * 9 / 13, 5 * 4 / 13, 2.5, 2.5], "\(choice)")
    }

    @Test func aLowerBoundOnAGroupIsKept() throws {
        let p = try problem([SpendGroup(members: [2, 3], lower: 6, upper: 10, label: "last two")])
        let (plan, _) = try PlanOptimizer(choice: .slsqp, seed: 3).optimize(p)
        expectClose(plan, [4 * 9 / 13, 4 * 4 / 13, 3, 3], "lower bound")
    }

    /// Overlapping groups (channel tv over both geos, geo g0 over both channels): the plan keeps
    /// both and is as good as the best point of a fine grid over the feasible set.
    @Test func overlappingGroupsMatchABruteForceSearch() throws {
        let groups = [SpendGroup(members: [0, 2], lower: 0, upper: 4, label: "tv"),
                      SpendGroup(members: [0, 1], lower: 6, upper: 10, label: "geo g0")]
        let p = try problem(groups)
        let (plan, _) = try PlanOptimizer(choice: .auto, seed: 5).optimize(p)
        #expect(abs(plan.reduce(0, +) - 10) <= 1e-9)
        #expect(plan[0] + plan[2] <= 4 + 1e-6 && plan[0] + plan[1] >= 6 - 1e-6, "\(plan)")
        func value(_ b: [Double]) -> Double { zip(Self.weights, b).reduce(0) { $0 + $1.0 * max($1.1, 0).squareRoot() } }
        var best = -Double.infinity
        let step = 0.05
        for i in 0...200 {
            for j in 0...200 {
                for k in 0...200 {
                    let b0 = Double(i) * step, b1 = Double(j) * step, b2 = Double(k) * step, b3 = 10 - b0 - b1 - b2
                    guard b3 >= 0, b0 + b2 <= 4, b0 + b1 >= 6 else { continue }
                    best = max(best, value([b0, b1, b2, b3]))
                }
            }
        }
        #expect(value(plan) >= best - 1e-9, "plan \(value(plan)) vs grid \(best)")
        #expect(value(plan) <= best + 0.05, "the grid should come close to the optimum: \(value(plan)) vs \(best)")
    }

    @Test func anImpossibleGroupIsRefusedByName() {
        #expect(throws: BudgetError.self) {
            _ = try problem([SpendGroup(members: [0], lower: 12, upper: 20, label: "g0/tv alone")])
        }
    }
}
