import Foundation
import Testing
@testable import Planning

/// Plans over time on PyMC-Marketing's example data: weekly flighting, monthly budgets, caps,
/// on/off patterns, carry-in, and the refusals of bad keys.
@Suite struct FlightingTests {
    let data = fixtures.appendingPathComponent("mmm_example.csv").path

    /// The data end 2021-08-30, so a 13-week plan runs 2021-09-06 … 2021-11-29:
    /// September and October have 4 weeks, November 5.
    func scenario(_ dir: URL, plan: String) -> String {
        write("""
            name: flighting test
            data: {file: \(data), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}
            model: {adstock: {type: geometric, max_lag: 8}, saturation: logistic, trend: none}
            sampler: {chains: 2, warmup: 150, draws: 150, seed: 5}
            plan: \(plan)
            """, "s.yaml", in: dir)
    }

    func rows(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    @Test(arguments: [
        ("{horizon: 13, period_budgets: {2021-13: 1}}", "plan.period_budgets.2021-13", "neither a month"),
        ("{horizon: 13, period_budgets: {14: 1}}", "plan.period_budgets.14", "outside the plan's periods 1 to 13"),
        ("{horizon: 13, weekly_max: {x3: 1}}", "plan.weekly_max.x3", "unknown channel 'x3'"),
        ("{horizon: 13, flighting: {x9: always}}", "plan.flighting.x9", "unknown channel 'x9'"),
        ("{horizon: 4, flighting: {x1: [on, off]}}", "plan.flighting.x1", "expected one per planned period"),
        ("{horizon: 4, flighting: {x1: [on, maybe, on, on]}}", "plan.flighting.x1[1]", "expected on or off"),
        ("{horizon: 4, flighting: {x1: pulsing}}", "plan.flighting.x1", "unknown pattern 'pulsing'"),
        ("{horizon: 4, flighting: monthly}", "plan.flighting", "expected one of flat, weekly"),
        ("{horizon: 4, flighting: flat, weekly_max: {x1: 1}}", "plan.flighting", "use flighting: weekly"),
        ("{horizon: 4, carryover: sometimes}", "plan.carryover", "expected one of history, none"),
    ])
    func badKeysAreRefusedByName(plan: String, key: String, expected: String) throws {
        let dir = temporaryFolder()
        let error = inputError { _ = try Scenario.load(path: scenario(dir, plan: plan)) }
        #expect(error?.kind == .configuration, "\(plan)")
        #expect(error?.message.contains(key) == true && error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
    }

    @Test(arguments: [
        ("{horizon: 13, budget: 4, period_budgets: {2021-09: 1, 2021-10: 1, 2021-11: 1}}", "plan.period_budgets", "add up to 3 over every planned period, but plan.budget is 4"),
        ("{horizon: 13, budget: 4, period_budgets: {2021-09: 3, 2021-10: 2}}", "plan.period_budgets", "above plan.budget 4"),
        ("{horizon: 13, budget: 4, period_budgets: {2022-01: 1}}", "plan.period_budgets.2022-01", "the plan has no period in 2022-01"),
        ("{horizon: 13, budget: 4, period_budgets: {2021-09: 1, 2: 1}}", "plan.period_budgets.2", "already has a budget from 2021-09"),
    ])
    func budgetsThatCannotAddUpExitWithConfigurationErrorsBeforeAnyFit(plan: String, key: String, expected: String) throws {
        let dir = temporaryFolder()
        let out = dir.appendingPathComponent("out")
        let result = try runMixPlan(["plan", scenario(dir, plan: plan), "--out", out.path, "--quiet"], cache: dir.appendingPathComponent("cache"))
        #expect(result.code == 78, "\(result.stderr)")
        #expect(result.stderr.contains(key) && result.stderr.contains(expected), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "no output folder after a refusal")
    }

    @Test func weeklyPlanWithMonthlyBudgetsCapsAndPatterns() throws {
        let dir = temporaryFolder()
        let plan = """
            {horizon: 13, budget: 4.4, period_budgets: {2021-09: 1.0, 2021-10: 1.4, 2021-11: 2.0},
             weekly_max: {x2: 0.25}, flighting: {x2: [on, on, off, off, on, on, on, on, off, on, on, on, on]}, carryover: history}
            """
        let file = scenario(dir, plan: plan)
        let result = try runMixPlan(["plan", file, "--out", dir.appendingPathComponent("a").path, "--quiet", "--allow-unconverged"],
                                    cache: dir.appendingPathComponent("cache"))
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Weekly plan") && result.stdout.contains("carry-in"), "\(result.stdout)")
        let rows = try rows(dir.appendingPathComponent("a/plan.csv"))
        #expect(rows.count == 26)
        let months = [("2021-09", 1.0), ("2021-10", 1.4), ("2021-11", 2.0)]
        for (month, budget) in months {
            let spent = rows.filter { $0["date"]!.hasPrefix(month) }.map { Double($0["spend"]!)! }.reduce(0, +)
            #expect(abs(spent - budget) <= 1e-9 * 4.4, "\(month): \(spent) vs \(budget)")
        }
        let off: Set = ["3", "4", "9"]
        for r in rows where r["channel"] == "x2" {
            let spend = Double(r["spend"]!)!
            #expect(spend <= 0.25 + 1e-12, "x2 week \(r["period"]!): \(spend) above its weekly cap")
            if off.contains(r["period"]!) { #expect(spend == 0, "x2 runs in an off week \(r["period"]!)") }
        }
        for r in rows {
            let lo = Double(r["revenue_p05"]!)!, mean = Double(r["revenue_mean"]!)!, hi = Double(r["revenue_p95"]!)!
            #expect(lo <= mean + 1e-12 && mean <= hi + 1e-12)
        }
        // The weekly totals: baseline, carry-in and the plan's media, one row per week.
        let weekly = try self.rows(dir.appendingPathComponent("a/weekly.csv"))
        #expect(weekly.count == 13 && weekly.first?["date"] == "2021-09-06")
        for w in weekly {
            let lo = Double(w["revenue_p05"]!)!, mean = Double(w["revenue_mean"]!)!, hi = Double(w["revenue_p95"]!)!
            #expect(lo <= mean && mean <= hi && mean > 0)
        }
        // The summary's channel totals are the weekly rows' sums.
        let summary = try self.rows(dir.appendingPathComponent("a/summary.csv"))
        for ch in ["x1", "x2"] {
            let total = rows.filter { $0["channel"] == ch }.map { Double($0["spend"]!)! }.reduce(0, +)
            let stated = Double(summary.first { $0["channel"] == ch }!["spend"]!)!
            #expect(abs(total - stated) <= 1e-9 * 4.4)
        }
        // A frontier keeps each month's share of the total: every budget from 50% to 150% is planned.
        let frontier = try runMixPlan(["frontier", file, "--steps", "3", "--out", dir.appendingPathComponent("f").path, "--quiet", "--allow-unconverged"],
                                      cache: dir.appendingPathComponent("cache"))
        #expect(frontier.code == 0 && frontier.stdout.contains("each period budget scaled with the total"), "\(frontier.stdout)\(frontier.stderr)")
        let budgets = try self.rows(dir.appendingPathComponent("f/frontier.csv")).map { Double($0["budget"]!)! }
        #expect(budgets.count == 3 && abs(budgets[0] - 2.2) < 1e-9 && abs(budgets[2] - 6.6) < 1e-9, "\(budgets)")
        // A what-if on the weekly plan, from the plan and from the current mix, on the same fit.
        for base in ["plan", "current"] {
            let out = dir.appendingPathComponent("w-\(base)")
            let moved = try runMixPlan(["whatif", file, "--move", "0.2", "--from", "x1", "--to", "x2", "--base", base,
                                        "--out", out.path, "--quiet", "--allow-unconverged"], cache: dir.appendingPathComponent("cache"))
            #expect(moved.code == 0, "\(base): \(moved.stderr)")
            let change = try self.rows(out.appendingPathComponent("whatif.csv"))
            #expect(change.count == 1 && change.first.flatMap { $0["revenue_delta_mean"].flatMap(Double.init) }?.isFinite == true, "\(change)")
        }
    }

    @Test func flatPlansKeepTheirColumnsAndEvenWeeks() throws {
        let dir = temporaryFolder()
        let result = try runMixPlan(["plan", scenario(dir, plan: "{horizon: 13, budget: 4.13}"), "--out", dir.appendingPathComponent("a").path,
                                     "--quiet", "--allow-unconverged"], cache: dir.appendingPathComponent("cache"))
        #expect(result.code == 0, "\(result.stderr)")
        let text = try String(contentsOf: dir.appendingPathComponent("a/plan.csv"), encoding: .utf8)
        #expect(text.split(separator: "\n").first { !$0.hasPrefix("#") } == "period,date,channel,spend,revenue_mean,revenue_p05,revenue_p95")
        let rows = try rows(dir.appendingPathComponent("a/plan.csv"))
        for ch in ["x1", "x2"] {
            let spends = rows.filter { $0["channel"] == ch }.map { Double($0["spend"]!)! }
            #expect(spends.count == 13 && spends.allSatisfy { abs($0 - spends[0]) <= 1e-12 * max(spends[0], 1) })
            // What each week buys differs (carry-in saturates the first weeks, the last lose some
            // of their tail to nothing), and together it is the channel's revenue.
            let revenue = rows.filter { $0["channel"] == ch }.map { Double($0["revenue_mean"]!)! }.reduce(0, +)
            let summary = try self.rows(dir.appendingPathComponent("a/summary.csv")).first { $0["channel"] == ch }!
            #expect(abs(revenue - Double(summary["revenue_mean"]!)!) <= 1e-6 * abs(revenue))
        }
    }
}
