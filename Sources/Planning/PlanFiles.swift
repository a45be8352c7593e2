import BudgetOptimization
import Foundation

/// Every CSV a plan writes, laid out as CONTRACT.md states them, each number in one format
/// (`csvNumber`: the shortest text that reads back as the same double).
public enum PlanFiles {
    /// A plan folder: `summary.csv`, `plan.csv` (and `weekly.csv` for national data),
    /// `whatif.csv`, `experiments.csv`, `geos.csv` for geo data, and the report (`report.json`,
    /// `report.html`), which shows `truthROAS` (`[channels]`) when the data were simulated.
    public static func files(_ run: PlanRun, truthROAS: [Double]? = nil) -> [(name: String, contents: String)] {
        var files = [("summary.csv", summary(run))]
        if let schedule = run.schedule {
            files += [("plan.csv", schedulePlan(schedule, dates: run.dates)), ("weekly.csv", weekly(schedule, dates: run.dates))]
        } else {
            files.append(("plan.csv", geoPeriodPlan(run)))
        }
        files += [("whatif.csv", whatIfs(run.whatIfs)), ("experiments.csv", experiments(run.experiments))]
        if let geo = run.geo { files.append(("geos.csv", geos(geo))) }
        return files + ReportFile.files(Report.plan(run, truthROAS: truthROAS))
    }

    /// `summary.csv`: a row per channel and a TOTAL row; `extrapolation` last (TOTAL's: the
    /// furthest any channel goes).
    static func summary(_ run: PlanRun) -> String {
        let budget = run.problem.budget
        let outside = run.extrapolation.map(\.factor)
        var rows = run.plan.channels.enumerated().map { i, c -> [String] in
            [csvField(c.name), csvNumber(c.spend), csvNumber(budget > 0 ? c.spend / budget : 0), csvNumber(c.revenue.mean),
             csvNumber(c.revenue.lower), csvNumber(c.revenue.median), csvNumber(c.revenue.upper), csvNumber(c.roas),
             csvNumber(c.marginalROAS.mean), csvNumber(c.marginalROAS.lower), csvNumber(c.marginalROAS.upper), csvNumber(outside[i])]
        }
        let t = run.plan.total
        rows.append(["TOTAL", csvNumber(budget), "1", csvNumber(t.mean), csvNumber(t.lower), csvNumber(t.median), csvNumber(t.upper),
                     csvNumber(budget > 0 ? t.mean / budget : .nan), csvNumber(run.optimality.marginal), "", "",
                     csvNumber(outside.filter { !$0.isNaN }.max() ?? 0)])
        return table("channel,spend,share,revenue_mean,revenue_p05,revenue_p50,revenue_p95,roas_mean,mroas_mean,mroas_p05,mroas_p95,extrapolation", rows)
    }

    /// `plan.csv` of a schedule: one row per (period, channel), that period's spend and the
    /// revenue it buys (including its later carryover).
    static func schedulePlan(_ plan: SchedulePlan, dates: [String]) -> String {
        let H = plan.problem.periods
        var rows: [[String]] = []
        for (t, date) in dates.enumerated() {
            for (c, name) in plan.problem.channels.enumerated() {
                let cell = plan.evaluation.cells[c * H + t]
                rows.append([String(t + 1), date, csvField(name), csvNumber(plan.schedule[c * H + t]), csvNumber(cell.mean),
                             csvNumber(cell.lower), csvNumber(cell.upper)])
            }
        }
        return table("period,date,channel,spend,revenue_mean,revenue_p05,revenue_p95", rows)
    }

    /// `weekly.csv`: the expected total revenue per period (baseline, carry-in and plan).
    static func weekly(_ plan: SchedulePlan, dates: [String]) -> String {
        table("period,date,revenue_mean,revenue_p05,revenue_p95", dates.enumerated().map { t, date in
            let w = plan.weekly[t]
            return [String(t + 1), date, csvNumber(w.mean), csvNumber(w.lower), csvNumber(w.upper)]
        })
    }

    /// `plan.csv` of a geo plan: each (period, geo, channel)'s even share of its total.
    static func geoPeriodPlan(_ run: PlanRun) -> String {
        var rows: [[String]] = []
        let h = Double(run.dates.count)
        if let geo = run.geo {
            for (p, date) in run.dates.enumerated() {
                for (r, pair) in geo.evaluation.channels.enumerated() {
                    rows.append([String(p + 1), date, csvField(geo.geos[r]), csvField(geo.channels[r]), csvNumber(pair.spend / h),
                                 csvNumber(pair.revenue.mean / h), csvNumber(pair.revenue.lower / h), csvNumber(pair.revenue.upper / h)])
                }
            }
        }
        return table("period,date,geo,channel,spend,revenue_mean,revenue_p05,revenue_p95", rows)
    }

    /// `geos.csv` of a geo plan: a row per (geo, channel) pair.
    static func geos(_ plan: GeoPlan) -> String {
        table("geo,channel,spend,revenue_mean,revenue_p05,revenue_p95,roas_mean,mroas_mean", plan.evaluation.channels.enumerated().map { r, pair in
            [csvField(plan.geos[r]), csvField(plan.channels[r]), csvNumber(pair.spend), csvNumber(pair.revenue.mean),
             csvNumber(pair.revenue.lower), csvNumber(pair.revenue.upper), csvNumber(pair.roas), csvNumber(pair.marginalROAS.mean)]
        })
    }

    /// `whatif.csv`: a row per what-if.
    public static func whatIfs(_ results: [WhatIfResult]) -> String {
        table("name,revenue_delta_mean,revenue_delta_p05,revenue_delta_p95,prob_better", results.map { w in
            [csvField(w.whatIf.name), csvNumber(w.change.mean), csvNumber(w.change.lower), csvNumber(w.change.upper), csvNumber(w.probabilityBetter)]
        })
    }

    /// `experiments.csv`: `channel,evppi,evppi_share,suggested_test`, most valuable first.
    public static func experiments(_ experiments: [ExperimentSuggestion]) -> String {
        table("channel,evppi,evppi_share,suggested_test", experiments.map { e in
            [csvField(e.channel), csvNumber(e.evppi), csvNumber(e.share), csvField(e.suggestedTest)]
        })
    }

    /// `comparison.csv` of several scenarios planned together: a row per scenario.
    public static func comparison(_ runs: [PlanRun]) -> String {
        table("scenario,budget,revenue_mean,revenue_p05,revenue_p95,roas_mean", runs.map { run in
            let t = run.plan.total, b = run.problem.budget
            return [csvField(run.scenario.name), csvNumber(b), csvNumber(t.mean), csvNumber(t.lower), csvNumber(t.upper),
                    csvNumber(b > 0 ? t.mean / b : .nan)]
        })
    }

    /// `frontier.csv`: a row per budget the frontier planned.
    public static func frontier(_ points: [FrontierPoint]) -> String {
        table("budget,revenue_mean,revenue_p05,revenue_p95,mroas_mean", points.map { p in
            [csvNumber(p.budget), csvNumber(p.revenue.mean), csvNumber(p.revenue.lower), csvNumber(p.revenue.upper), csvNumber(p.marginalROAS)]
        })
    }

    /// A CSV text: the header line, then each row's fields (already formatted) joined by commas.
    static func table(_ header: String, _ rows: [[String]]) -> String {
        ([header] + rows.map { $0.joined(separator: ",") }).joined(separator: "\n") + "\n"
    }
}
