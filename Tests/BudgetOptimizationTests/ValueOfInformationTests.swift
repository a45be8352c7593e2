import Foundation
import Testing
@testable import BudgetOptimization

@Suite struct ValueOfInformationTests {
    /// The best expected revenue of log curves a_c·log(1 + k_c·b) over budget B, by the KKT
    /// conditions: b_c = max(0, a_c·t − 1/k_c) with t = 1/μ set by bisection so Σ b_c = B.
    static func logOptimum(a: [Double], k: [Double], budget: Double) -> (value: Double, plan: [Double]) {
        func spend(_ t: Double) -> [Double] { zip(a, k).map { max(0, $0 * t - 1 / $1) } }
        var lo = 0.0, hi = 1.0
        while spend(hi).reduce(0, +) < budget { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if spend(mid).reduce(0, +) < budget { lo = mid } else { hi = mid }
        }
        let plan = spend((lo + hi) / 2)
        return (zip(zip(a, k), plan).map { $0.0 * log1p($0.1 * $1) }.reduce(0, +), plan)
    }

    @Test func aKnownChannelIsWorthNothingAndAnUncertainOneItsClosedFormValue() throws {
        // "known": every draw the same curve. "unsure": its size varies ±40% across draws, and the
        // best split depends on it. "steady": a little uncertainty, independent of the others.
        let count = 2000, budget = 3e6
        let k = [1e-6, 2e-6, 1.5e-6]
        let known = Array(repeating: 4.0, count: count)
        let unsure = draws(mean: 4, spread: 0.4, count: count, seed: 11)
        let steady = draws(mean: 3, spread: 0.01, count: count, seed: 12)
        let a = [known, unsure, steady]
        let responses = (0..<3).map { LogResponse(a: a[$0], k: k[$0]) }
        let problem = try PlanProblem(channels: ["known", "unsure", "steady"], responses: responses, budget: budget)
        let (plan, _) = try PlanOptimizer(choice: .slsqp).optimize(problem)
        let keys = ValueOfInformation.responseKeys(problem, at: plan)
        let bins = 20
        let voi = try ValueOfInformation(problem, plan: plan, keys: keys, bins: bins, maxDraws: count)

        let mean = { (x: [Double]) in x.reduce(0, +) / Double(x.count) }
        let uninformed = Self.logOptimum(a: a.map(mean), k: k, budget: budget)
        #expect(abs(voi.uninformedValue - uninformed.value) <= 1e-9 * uninformed.value)

        // known: one bin, nothing to learn.
        #expect(voi.channels[0].bins == 1 && voi.channels[0].evppi == 0, "\(voi.channels[0])")

        // unsure: bins are quantile groups of its size a_d (the key is monotone in a_d); each bin's
        // optimum is the closed form at the bin's mean sizes.
        let order = (0..<count).sorted { unsure[$0] < unsure[$1] }
        var binned = 0.0
        for b in 0..<bins {
            let group = Array(order[(b * count / bins)..<((b + 1) * count / bins)])
            let binMeans = a.map { series in mean(group.map { series[$0] }) }
            binned += Double(group.count) / Double(count) * Self.logOptimum(a: binMeans, k: k, budget: budget).value
        }
        let exactBinned = binned - uninformed.value
        #expect(abs(voi.channels[1].evppi - exactBinned) <= 1e-6 * exactBinned, "\(voi.channels[1].evppi) vs \(exactBinned)")
        // Perfect information (each draw's own optimum) is the limit the bins approach from below.
        var perfect = 0.0
        for d in 0..<count { perfect += Self.logOptimum(a: a.map { $0[d] }, k: k, budget: budget).value }
        perfect = perfect / Double(count) - uninformed.value
        #expect(voi.channels[1].evppi <= perfect * (1 + 1e-9) && voi.channels[1].evppi >= 0.85 * perfect,
                "binned \(voi.channels[1].evppi) vs perfect \(perfect)")
        #expect(voi.channels[1].evppi > 0.001 * uninformed.value, "the test needs a decision that depends on the unsure channel")

        // steady: small and far below unsure's (finite draws per bin leave a small positive bias).
        #expect(voi.channels[2].evppi < 0.05 * voi.channels[1].evppi, "\(voi.channels.map(\.evppi))")

        // The spends the plan would move unsure to, depending on the test, straddle the plan.
        let spends = voi.channels[1].binOptimalSpend
        #expect(spends.min()! < plan[1] && spends.max()! > plan[1] && spends == spends.sorted(), "\(spends)")
    }

    @Test func twoSShapedChannelsAgreeWithAGridSearch() throws {
        // Two Hill curves: the plan is one number (spend on the first), so each bin's optimum can
        // be found by brute force on a fine grid.
        let count = 600, budget = 2e6
        let first = HillResponse(a: draws(mean: 3e6, spread: 0.5, count: count, seed: 21), kappa: 9e5, slope: 1.4)
        let second = HillResponse(a: draws(mean: 2.5e6, spread: 0.05, count: count, seed: 22), kappa: 7e5, slope: 1.1)
        let problem = try PlanProblem(channels: ["first", "second"], responses: [first, second], budget: budget)
        let (plan, _) = try PlanOptimizer(choice: .auto).optimize(problem)
        let keys = ValueOfInformation.responseKeys(problem, at: plan)
        let bins = 10
        let voi = try ValueOfInformation(problem, plan: plan, keys: keys, bins: bins)

        func expected(_ draws: [Int], _ x: Double) -> Double {
            var v1 = [Double](repeating: 0, count: count), s1 = v1, v2 = v1, s2 = v1
            first.evaluate(budget: x, values: &v1, slopes: &s1)
            second.evaluate(budget: budget - x, values: &v2, slopes: &s2)
            return draws.map { v1[$0] + v2[$0] }.reduce(0, +) / Double(draws.count)
        }
        func bruteForce(_ draws: [Int]) -> Double {
            // A grid of 2,001 points, then golden-section refinement around the best.
            var best = 0.0, bestValue = -Double.infinity
            for i in 0...2000 {
                let x = budget * Double(i) / 2000
                let v = expected(draws, x)
                if v > bestValue { bestValue = v; best = x }
            }
            var lo = max(best - budget / 2000, 0), hi = min(best + budget / 2000, budget)
            for _ in 0..<100 {
                let m1 = lo + 0.382 * (hi - lo), m2 = lo + 0.618 * (hi - lo)
                if expected(draws, m1) < expected(draws, m2) { lo = m1 } else { hi = m2 }
            }
            return max(bestValue, expected(draws, (lo + hi) / 2))
        }
        let all = Array(0..<count)
        let uninformed = bruteForce(all)
        for c in 0..<2 {
            var informed = 0.0
            for group in ValueOfInformation.quantileBins(keys[c], count: bins) {
                informed += Double(group.count) / Double(count) * bruteForce(group)
            }
            let exact = informed - uninformed
            #expect(abs(voi.channels[c].evppi - exact) <= 1e-6 * uninformed, "channel \(c): \(voi.channels[c].evppi) vs brute force \(exact)")
        }
        #expect(voi.channels[0].evppi > 5 * voi.channels[1].evppi, "\(voi.channels.map(\.evppi))")
    }

    @Test func binsAreQuantilesAndNeverSplitTies() {
        let groups = ValueOfInformation.quantileBins([5, 1, 3, 3, 3, 3, 2, 4, 0, 6], count: 5)
        // The cut after the 4th key moves past the four 3s; the 3rd cut then falls inside that bin.
        #expect(groups == [[8, 1], [6, 2, 3, 4, 5], [7], [0, 9]])
        #expect(ValueOfInformation.quantileBins([1, 1, 1], count: 10) == [[0, 1, 2]])
        #expect(ValueOfInformation.quantileBins([3, 2, 1], count: 10) == [[2], [1], [0]])
    }

    @Test func subsamplingKeepsTheAnswerClose() throws {
        let count = 4000, budget = 3e6
        let k = [1e-6, 2e-6]
        let responses = [LogResponse(a: draws(mean: 4, spread: 0.4, count: count, seed: 31), k: k[0]),
                         LogResponse(a: draws(mean: 4, spread: 0.1, count: count, seed: 32), k: k[1])]
        let problem = try PlanProblem(channels: ["a", "b"], responses: responses, budget: budget)
        let plan = try PlanOptimizer(choice: .slsqp).optimize(problem).plan
        let keys = ValueOfInformation.responseKeys(problem, at: plan)
        let full = try ValueOfInformation(problem, plan: plan, keys: keys, maxDraws: count)
        let sub = try ValueOfInformation(problem, plan: plan, keys: keys, maxDraws: 1000)
        #expect(sub.draws == 1000 && full.draws == count)
        #expect(abs(sub.channels[0].evppi - full.channels[0].evppi) <= 0.15 * full.channels[0].evppi,
                "\(sub.channels[0].evppi) vs \(full.channels[0].evppi)")
    }
}
