import ArgumentParser
import BudgetOptimization
import Foundation
import MediaModel
import Planning

/// `mixplan plan SCENARIO.yaml...`: fit (or reuse), optimize, run the what-ifs, write the plan files.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Optimize the budget of one or more scenarios; write summary.csv, plan.csv, whatif.csv (and comparison.csv).",
        discussion: "With several scenarios each gets a subfolder of --out (default runs/comparison/) and comparison.csv goes in --out itself. The output folder is replaced as a whole."
    )

    @Argument(help: "Scenario files (YAML). Several scenarios are compared in comparison.csv.")
    var scenarios: [String]

    @OptionGroup var common: CommonOptions

    @Option(help: "Total budget over the horizon, e.g. 12M (overrides plan.budget).")
    var budget: String?

    @Option(help: "slsqp, ga or auto (overrides plan.optimizer).")
    var optimizer: OptimizerChoice?

    var out: String? { common.out }
    var quiet: Bool { common.quiet }

    func run() throws {
        try reportingErrors {
            guard !scenarios.isEmpty else { throw InputError(.usage, "name at least one scenario file") }
            let budgetValue = try budget.map { text -> Double in
                guard let v = parseAmount(text) else { throw InputError(.usage, "--budget '\(text)' is not an amount (\(amountExpectation))") }
                return v
            }
            // Every scenario is read and every folder checked before the first fit.
            let loaded = try scenarios.map { try common.load($0) }
            let single = loaded.count == 1
            let root = out ?? (single ? defaultFolder(loaded[0].name) : "runs/comparison")
            var seen: [String: String] = [:]
            for (path, scenario) in zip(scenarios, loaded) where !single {
                let folder = slug(scenario.name)
                if let first = seen[folder] {
                    throw InputError(.configuration, "\(path): name '\(scenario.name)' gives the same output folder '\(folder)' as \(first); give each scenario its own name")
                }
                seen[folder] = path
            }
            try OutputFolder.check(root)
            for scenario in loaded { try Preflight.check(scenario, budget: budgetValue) }
            var runs: [(PlanRun, String)] = []
            var verdicts: [ConvergenceReport] = []
            for scenario in loaded {
                let config = scenario.sampler
                let printer = ProgressPrinter(chains: config.chains, iterationsPerChain: config.warmup + config.draws,
                                              label: "fitting \(scenario.name)", quiet: quiet)
                let fitted = try Planner.fit(scenario) { printer.update($0) }
                try fitted.convergence.requireConverged(scenario, allowUnconverged: common.allowUnconverged)
                let run = try Planner.plan(scenario, fitted: fitted, budget: budgetValue, optimizer: optimizer)
                runs.append((run, single ? "" : slug(scenario.name) + "/"))
                verdicts.append(fitted.convergence)
            }
            // Everything is computed before anything is written, and written as one folder.
            var files: [(name: String, contents: String)] = []
            for ((run, prefix), verdict) in zip(runs, verdicts) {
                files += verdict.marking(run.fitFiles.map { (prefix + "fit/" + $0.name, $0.contents) }, markerIn: nil)
                files += verdict.marking(PlanFiles.files(run).map { (prefix + $0.name, $0.contents) }, markerIn: prefix)
            }
            if !single {
                let comparison = [("comparison.csv", PlanFiles.comparison(runs.map(\.0)))]
                files += verdicts.first { !$0.converged }?.marking(comparison) ?? comparison
            }
            try OutputFolder.write(files, to: root)
            for ((run, prefix), verdict) in zip(runs, verdicts) {
                print(verdict.verdict)
                print(PlanReport(run).text)
                let folder = (root.hasSuffix("/") ? root : root + "/") + prefix
                print("\nFiles: \(folder)summary.csv, plan.csv, \(run.schedule == nil ? "" : "weekly.csv, ")whatif.csv, experiments.csv, \(run.geo == nil ? "" : "geos.csv, ")report.html; fit in \(folder)fit/\n")
            }
            if !single {
                print(table(header: ["scenario", "budget", "revenue", "90% band", "ROAS"], rows: runs.map { run, _ in
                    [run.scenario.name, money(run.problem.budget), money(run.plan.total.mean),
                     "[\(money(run.plan.total.lower)) – \(money(run.plan.total.upper))]",
                     String(format: "%.2f", run.plan.total.mean / run.problem.budget)]
                }))
                print("\nFiles: \(root)/comparison.csv")
            }
        }
    }
}

extension OptimizerChoice: ExpressibleByArgument {}

/// The readable plan: allocation with bands, the comparison with the current mix, optimality.
struct PlanReport {
    let run: PlanRun
    init(_ run: PlanRun) { self.run = run }

    var text: String {
        let s = run.scenario
        let r = run.report
        let pct = Int((s.plan.interval * 100).rounded())
        var out = "Plan: \(s.name) — \(s.plan.horizon) periods from \(run.dates.first ?? "?"), budget \(money(run.problem.budget)), objective \(s.plan.objective)\n"
        out += "Fit: " + (run.fitReused ? "reused (same data and settings)" : String(format: "fitted in %.1f s", run.fitSeconds))
        out += curveFamilyNote(run)
        var counts: [String] = []
        if r.slsqpEvaluations > 0 { counts.append("\(r.method == "newton" ? "Newton" : "SLSQP") \(r.slsqpEvaluations) evaluations") }
        if r.geneticEvaluations > 0 { counts.append("GA \(r.geneticEvaluations) on \(r.geneticSearchDraws) draws") }
        out += "; optimizer \(r.method) (\(r.status); \(counts.joined(separator: ", ")); " + String(format: "%.2f s", r.seconds)
        if let gap = r.crossCheckGap { out += String(format: "; %@ vs GA gap %.4f%%", r.method == "newton" ? "Newton" : "SLSQP", 100 * gap) }
        out += ")\n"
        if let note = s.model.trendNote(run.posterior.model.data) { out += note + "\n" }
        for notice in r.notices { out += "Notice: \(notice)\n" }
        out += "\n"
        var rows = run.plan.channels.enumerated().map { c, ch in
            // A sliver (a millionth of the budget) is the optimizer's 0: what it buys prints as 0 and
            // its ROAS, a ratio of rounding noise, not at all.
            let sliver = PlanRun.isSliver(ch.spend, budget: run.problem.budget)
            func amount(_ x: Double) -> String { sliver ? "0" : money(x) }
            return [ch.name, amount(ch.spend), String(format: "%.0f%%", 100 * ch.spend / run.problem.budget), money(run.currentAllocation[c]),
             amount(ch.revenue.mean), "[\(amount(ch.revenue.lower)) – \(amount(ch.revenue.upper))]",
             sliver ? "–" : String(format: "%.2f", ch.roas), String(format: "%.2f", ch.marginalROAS.mean),
             String(format: "[%.2f – %.2f]", ch.marginalROAS.lower, ch.marginalROAS.upper)]
                + (s.data.targetKind == .units ? [sliver ? "–" : ch.revenue.mean > 0 ? String(format: "%.4g", ch.spend / ch.revenue.mean) : "n/a"] : [])
        }
        let t = run.plan.total
        rows.append(["TOTAL", money(run.problem.budget), "100%", money(run.currentAllocation.reduce(0, +)), money(t.mean),
                     "[\(money(t.lower)) – \(money(t.upper))]", String(format: "%.2f", t.mean / run.problem.budget), "", ""]
                    + (s.data.targetKind == .units ? [t.mean > 0 ? String(format: "%.4g", run.problem.budget / t.mean) : "n/a"] : []))
        let k = s.data.targetKind
        out += table(header: ["channel", "spend", "share", "current", k.targetLabel, "\(pct)% band", k.returnLabel, k.marginalLabel, "\(pct)% band"]
                     + (k == .units ? ["cost per unit"] : []), rows: rows)
        let u = run.uplift
        // The plan's revenue less the current mix's is float noise when the plan is the current
        // mix (±1e-9 of a 5M total); a billionth of the current revenue is no change.
        func change(_ x: Double) -> String { abs(x) < 1e-9 * abs(run.current.total.mean) ? "+0" : signed(x) }
        out += "\n\nAgainst the current mix (last \(s.plan.horizon) periods' spend scaled to the budget): revenue "
            + "\(money(run.current.total.mean)) → \(money(t.mean)); change \(change(u.change.mean)) [\(change(u.change.lower)) – \(change(u.change.upper))], "
            + String(format: "P(plan better) %.2f", u.probabilityBetter)
        if let verdict = run.keepCurrentMixVerdict {
            out += "\n" + verdict
        } else {
            let sentence = run.priorRelianceSentence
            if !sentence.isEmpty { out += "\n" + sentence }
        }
        let o = run.optimality
        // A weekly schedule states its optimality per budget period instead (PlanReport+Schedule.swift).
        if run.schedule?.report == nil {
        out += "\nOptimality: "
        if o.interior.isEmpty { out += "no channel is strictly inside its bounds" }
        else { out += "interior \(names(o.interior, "channels")) share a marginal objective of " + String(format: "%.3f (spread %.1e)", o.marginal, o.interiorSpread) }
        if !o.activeGroups.isEmpty {
            // A group at an end of its range moves its members' marginals by its price.
            let shown = o.activeGroups.prefix(6).map { String(format: "%@ %+.3f", $0.label, $0.price) }.joined(separator: ", ")
            out += "; bound groups add their price to their members' marginal: \(shown)\(o.activeGroups.count > 6 ? ", …" : "")"
        }
        if !o.atMinimum.isEmpty { out += "; at their minimum: \(names(o.atMinimum, "channels"))" }
        if !o.atMaximum.isEmpty { out += "; at their maximum: \(names(o.atMaximum, "channels"))" }
        }
        out += scheduleText  // plans over time (PlanReport+Schedule.swift)
        out += "\n\n" + PlanInsightsText.extrapolation(run) + "\n\n" + PlanInsightsText.experiments(run)
        out += GeoPlanReport(run).text
        if !run.whatIfs.isEmpty {
            out += "\n\nWhat-ifs (from the optimized plan):\n"
            out += whatIfTable(run.whatIfs, interval: s.plan.interval, kind: s.data.targetKind)
        }
        return out
    }
}

/// A short list of names: all of them when few, else how many (geo plans have hundreds of pairs).
func names(_ list: [String], _ noun: String) -> String {
    list.count <= 8 ? "\(noun) (\(list.joined(separator: ", ")))" : "\(list.count) (geo, channel) pairs"
}

func signed(_ x: Double) -> String { (x >= 0 ? "+" : "") + money(x) }

func whatIfTable(_ results: [WhatIfResult], interval: Double, kind: TargetKind = .revenue) -> String {
    let pct = Int((interval * 100).rounded())
    return table(header: ["what-if", "Δ \(kind.targetLabel)", "\(pct)% band", "P(better)", "\(kind.marginalLabel) from (before→after)", "\(kind.marginalLabel) to (before→after)"],
                 rows: results.map { w in
                     [w.whatIf.name, signed(w.change.mean), "[\(signed(w.change.lower)) – \(signed(w.change.upper))]",
                      String(format: "%.2f", w.probabilityBetter),
                      String(format: "%@ %.2f → %.2f", w.whatIf.from, w.marginalFrom.before, w.marginalFrom.after),
                      String(format: "%@ %.2f → %.2f", w.whatIf.to, w.marginalTo.before, w.marginalTo.after)]
                 })
}
