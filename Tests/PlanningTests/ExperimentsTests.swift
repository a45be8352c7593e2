import Foundation
import Testing
import BudgetOptimization
@testable import Planning

@Suite struct ExtrapolationTests {
    let seen = [40.0, 100, 75, 60, 120, 55]

    @Test func insideTheRangeIsZero() {
        for planned in [40.0, 41, 100, 120] {
            let e = SpendExtrapolation(channel: "tv", planned: [planned], observed: seen)
            #expect(e.factor == 0, "\(planned): \(e.factor)")
            #expect(e.observedMin == 40 && e.observedMax == 120)
        }
    }

    @Test func aboveIsTheRatioToTheLargestPeriodBelowTheSmallestOverThePlan() {
        let above = SpendExtrapolation(channel: "tv", planned: [240], observed: seen)
        #expect(above.factor == 2 && above.above && above.planned == 240)
        let below = SpendExtrapolation(channel: "tv", planned: [10], observed: seen)
        #expect(below.factor == 4 && !below.above && below.planned == 10)
        let stopped = SpendExtrapolation(channel: "tv", planned: [0], observed: seen)
        #expect(stopped.factor == .infinity && !stopped.above)
        // The optimizer's sliver (10⁻¹⁰ of a unit) is a stop, not "4·10¹¹× below".
        let sliver = SpendExtrapolation(channel: "tv", planned: [1e-10], observed: seen, zeroBelow: 1e-4)
        #expect(sliver.factor == .infinity && !sliver.above && sliver.planned == 0)
        // On a channel the data saw dark the sliver is inside the range, and prints as 0 too.
        let darkSliver = SpendExtrapolation(channel: "tv", planned: [2.6e-4], observed: [0, 50], zeroBelow: 0.19)
        #expect(darkSliver.factor == 0 && darkSliver.planned == 0)
        let small = SpendExtrapolation(channel: "tv", planned: [1e-3], observed: seen, zeroBelow: 1e-4)
        #expect(abs(small.factor - 4e4) < 1e-6 && small.planned == 1e-3)
        #expect(PlanRun.isSliver(1e-10, budget: 1e6) && !PlanRun.isSliver(2, budget: 1e6))
        // A channel the data has seen dark: stopping it is inside the range.
        #expect(SpendExtrapolation(channel: "tv", planned: [0], observed: [0, 50]).factor == 0)
        #expect(SpendExtrapolation(channel: "new", planned: [5], observed: [0, 0]).factor == .infinity)
    }

    @Test func aTestOfAChannelThePlanCutsBelowEveryWeekSeenRunsFromTheSmallestWeekSeen() {
        // 7.7 a week against weeks of 40–120: no data anchor a test there; the smallest week, 40, does.
        let cut = SpendExtrapolation(channel: "display", planned: [7.7], observed: seen)
        #expect(cut.belowEveryPeriod && PlanRun.testCenter(planned: 100, operating: 910, seen: cut, horizon: 13) == 40 * 13)
        let inside = SpendExtrapolation(channel: "tv", planned: [60], observed: seen)
        #expect(!inside.belowEveryPeriod && PlanRun.testCenter(planned: 780, operating: 910, seen: inside, horizon: 13) == 780)
        // Above the data, and below the current spend: the plan's spend is what the test is about.
        let above = SpendExtrapolation(channel: "tv", planned: [240], observed: seen)
        #expect(PlanRun.testCenter(planned: 3120, operating: 5000, seen: above, horizon: 13) == 3120)
        // A schedule with one week inside the range is not below every week.
        let someWeeks = SpendExtrapolation(channel: "tv", planned: [10, 45, 20], observed: seen)
        #expect(!someWeeks.belowEveryPeriod && someWeeks.factor == 4 && !someWeeks.above)
        #expect(PlanRun.testCenter(planned: 0, operating: 910, seen: nil, horizon: 13) == 910)
        // A zero plan on a channel the data saw dark is inside the range: the operating spend.
        let dark = SpendExtrapolation(channel: "tv", planned: [0], observed: [0, 50])
        #expect(PlanRun.testCenter(planned: 0, operating: 650, seen: dark, horizon: 13) == 650)
    }

    @Test func aScheduleCountsItsFurthestPeriod() {
        // A flighted plan: 30 is 1.33× below, 180 is 1.5× above; the larger wins.
        let e = SpendExtrapolation(channel: "tv", planned: [30, 90, 180], observed: seen)
        #expect(abs(e.factor - 1.5) < 1e-12 && e.above && e.planned == 180)
        let f = SpendExtrapolation(channel: "tv", planned: [10, 90, 130], observed: seen)
        #expect(abs(f.factor - 4) < 1e-12 && !f.above && f.planned == 10)
    }

    @Test func experimentsCSVQuotesItsSentences() {
        let csv = PlanFiles.experiments([
            ExperimentSuggestion(channel: "tv", evppi: 1500, share: 0.75, spendPerPeriod: 1e5, low: 8e4, high: 1.3e5,
                                 suggestedTest: "lift test on tv around 100k/week (+/-30%)"),
            ExperimentSuggestion(channel: "web, mobile", evppi: 500, share: 0.25, spendPerPeriod: 2e4, low: 0, high: 3e4,
                                 suggestedTest: "lift test on web, mobile around 20k/week (+/-50%)"),
        ])
        #expect(csv == """
            channel,evppi,evppi_share,suggested_test
            tv,1500,0.75,lift test on tv around 100k/week (+/-30%)
            "web, mobile",500,0.25,"lift test on web, mobile around 20k/week (+/-50%)"

            """)
        #expect(compact(123_456) == "123k" && compact(1_250_000) == "1.25M" && compact(0.3186) == "0.319" && compact(950) == "950")
    }
}

@Suite struct CVaRUpliftScenarioTests {
    func plan(_ objective: String) -> (PlanSettings?, InputError?) {
        let dir = temporaryFolder()
        _ = write("week,revenue,tv,search\n2024-01-01,10,1,1\n", "w.csv", in: dir)
        let path = write("""
            name: s
            data: {file: w.csv, date: week, target: revenue, channels: [tv, search]}
            plan: {objective: \(objective)}
            """, "s.yaml", in: dir)
        do { return (try Scenario.load(path: path).plan, nil) } catch let e as InputError { return (nil, e) } catch { return (nil, nil) }
    }

    @Test func cvarUpliftIsReadWithAnEmptyBaselineTheFitFillsIn() throws {
        let (settings, error) = plan("{cvar_uplift: 0.1}")
        let s = try #require(settings, "\(error?.message ?? "")")
        #expect(s.objective == .cvarUplift(alpha: 0.1, baseline: []))
        #expect(s.objective.description == "CVaR 0.1 of the uplift over the current mix")
    }

    @Test func priorRelianceIsTheLeastShareOfTheMovedMoneyOnChannelsTheDataSayLittleAbout() {
        // Every cut comes from c (weak); half the increases go to b (weak): at least all of it.
        let r = PriorReliance(plan: [60, 40, 0], current: [50, 30, 20], narrowed: [0.9, 0.3, 0.2], names: ["a", "b", "c"], budget: 100)
        #expect(r.channels.map(\.name) == ["b", "c"] && abs(r.share - 1) < 1e-12)
        // 10 moves from a to b and 30 from c to d; only b is weak: a quarter of the increases.
        let q = PriorReliance(plan: [40, 40, 0, 50], current: [50, 30, 30, 20], narrowed: [0.9, 0.3, 0.9, 0.9], names: ["a", "b", "c", "d"], budget: 130)
        #expect(q.channels.map(\.name) == ["b"] && abs(q.share - 0.25) < 1e-12)
        // A channel without a ROAS prior (nil) or moved by under 1% of the budget does not count.
        let s = PriorReliance(plan: [60, 30.5, 9.5], current: [50, 30, 20], narrowed: [nil, 0.1, 0.8], names: ["a", "b", "c"], budget: 100)
        #expect(s.channels.isEmpty && s.share == 0)
        #expect(PriorReliance(plan: [50, 50], current: [50, 50], narrowed: [0.1, 0.1], names: ["a", "b"], budget: 100).share == 0)
        // Printed cut, so a contraction just under the line never reads as the line itself.
        #expect(PriorNarrowing.percent(0.4996) == "49%" && PriorNarrowing.percent(0.29) == "29%" && PriorNarrowing.percent(0.57) == "57%")
        #expect(PriorNarrowing.percent(-0.12) == "-12%" && PriorNarrowing.percent(nil) == "n/a" && PriorNarrowing.percent(.nan) == "n/a")
    }

    /// A plan that moves under 1% of the budget keeps the current mix; the share counts each
    /// dollar moved once (the increases), whatever the number of channels it comes from.
    @Test func movedShareCountsEachDollarMovedOnce() {
        #expect(abs(PlanRun.movedShare(plan: [60, 40], current: [50, 50], budget: 100) - 0.10) < 1e-12)
        #expect(abs(PlanRun.movedShare(plan: [30, 40, 30], current: [50, 30, 20], budget: 100) - 0.20) < 1e-12)
        // Just under the rule prints under it, not "1.00%".
        #expect(PlanRun.shareLabel(0.009972) == "0.99%" && PlanRun.shareLabel(0.0123) == "1.23%" && PlanRun.shareLabel(0) == "0.00%")
        let nudge = PlanRun.movedShare(plan: [50.4, 49.6], current: [50, 50], budget: 100)
        #expect(nudge < PlanRun.keepCurrentMixShare && PlanRun.movedShare(plan: [51, 49], current: [50, 50], budget: 100) >= PlanRun.keepCurrentMixShare)
    }

    @Test func badSharesAndTwoObjectivesAreRefusedByKey() {
        for (objective, fragment) in [("{cvar_uplift: 0}", "plan.objective.cvar_uplift: expected a share of draws from 0.0001 to 1"),
                                      ("{cvar_uplift: 1.5}", "plan.objective.cvar_uplift: expected a share of draws from 0.0001 to 1"),
                                      ("{cvar_uplift: lots}", "plan.objective.cvar_uplift"),
                                      ("{cvar_uplift: 0.1, cvar: 0.1}", "names 2 objectives"),
                                      ("cvar_uplift", "expected mean, {mean_minus_sd: 0.5}, {cvar: 0.1} or {cvar_uplift: 0.1}")] {
            let (settings, error) = plan(objective)
            #expect(settings == nil && error?.message.contains(fragment) == true && error?.kind == .configuration,
                    "\(objective): \(error?.message ?? "accepted")")
        }
    }
}

/// `mixplan plan` with `objective: {cvar_uplift: 0.1}`, as a user runs it on PyMC-Marketing's
/// example data.
@Suite struct CVaRUpliftPlanTests {
    @Test func aRegretAversePlanBeatsTheCurrentMixInAtLeastNineDrawsOfTen() throws {
        let dir = temporaryFolder()
        let data = fixtures.appendingPathComponent("mmm_example.csv").path
        let path = write("""
            name: regret averse
            data: {file: \(data), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}
            model: {adstock: {type: geometric, max_lag: 8}, saturation: logistic, trend: none}
            sampler: {chains: 2, warmup: 150, draws: 150, seed: 5}
            plan: {horizon: 13, objective: {cvar_uplift: 0.1}}
            """, "s.yaml", in: dir)
        let out = dir.appendingPathComponent("out")
        let r = try runMixPlan(["plan", path, "--out", out.path, "--quiet", "--allow-unconverged"], cache: dir.appendingPathComponent("cache"))
        #expect(r.code == 0, "\(r.stderr)")
        #expect(r.stdout.contains("objective CVaR 0.1 of the uplift over the current mix"))
        // The worst 10% of draws gain at least 0 (the current mix is feasible: no bounds), so the
        // uplift's 10% quantile is at least 0: P(better) ≥ 0.9, unless the plan keeps the current
        // mix and every draw's uplift is exactly 0.
        let line = try #require(r.stdout.split(separator: "\n").first { $0.contains("P(plan better)") })
        let p = try #require(Double(line.components(separatedBy: "P(plan better) ").last ?? ""))
        let unchanged = line.contains("change +0 [+0 – +0]")
        #expect(p >= 0.9 || unchanged, "\(line)")
        if unchanged { #expect(r.stdout.contains("keep the current mix"), "\(r.stdout)") }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("experiments.csv").path))
    }
}
