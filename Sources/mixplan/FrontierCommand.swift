import ArgumentParser
import BudgetOptimization
import Foundation
import Planning

/// `mixplan frontier SCENARIO`: optimal plans across budgets — how much should we spend?
struct FrontierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontier",
        abstract: "Optimal plans across budgets: revenue and the marginal ROAS of the last dollar; writes frontier.csv and report.html."
    )

    @OptionGroup var options: ScenarioOptions

    @Option(name: .customLong("from"), help: "Smallest budget as a share of the plan's budget.")
    var lowest = "50%"

    @Option(name: .customLong("to"), help: "Largest budget as a share of the plan's budget.")
    var highest = "150%"

    @Option(help: "Number of budgets.")
    var steps = 11

    func run() throws {
        try reportingErrors {
            guard let lo = parseShare(lowest), let hi = parseShare(highest), lo > 0, hi >= lo else {
                throw InputError(.usage, "--from and --to must be shares like 50% and 150%, with --from ≤ --to")
            }
            guard (2...201).contains(steps) else { throw InputError(.usage, "--steps must be 2 to 201, got \(steps)") }
            var scenario = try options.load()
            scenario.whatIfs = []
            let folder = options.outputFolder(for: scenario, suffix: "/frontier")
            try OutputFolder.check(folder)
            try Preflight.check(scenario, budgetRange: (lo, hi))
            let config = scenario.sampler
            let printer = ProgressPrinter(chains: config.chains, iterationsPerChain: config.warmup + config.draws,
                                          label: "fitting \(scenario.name)", quiet: options.quiet)
            let fitted = try Planner.fit(scenario) { printer.update($0) }
            try fitted.convergence.requireConverged(scenario, allowUnconverged: options.allowUnconverged)
            let base = try Planner.plan(scenario, fitted: fitted)
            var rows: [[String]] = []
            var points: [(budget: Double, mroas: Double)] = []
            var frontier: [FrontierPoint] = []
            for i in 0..<steps {
                let budget = base.problem.budget * (lo + (hi - lo) * Double(i) / Double(steps - 1))
                let run: PlanRun
                var scaled = scenario
                scaled.plan.flighting = scenario.plan.flighting.scalingPeriodBudgets(by: budget / base.problem.budget)
                do {
                    run = try Planner.plan(scaled, fitted: fitted, budget: budget)
                } catch let error as InputError where error.kind == .configuration {
                    // A budget the bounds cannot hold is skipped; anything else stops the run.
                    if !options.quiet { FileHandle.standardError.write(Data("frontier: skipped \(money(budget)): \(error.message)\n".utf8)) }
                    continue
                }
                let t = run.plan.total, m = run.optimality.marginal
                rows.append([money(budget), money(t.mean), "[\(money(t.lower)) – \(money(t.upper))]", String(format: "%.2f", m)])
                points.append((budget, m))
                frontier.append(FrontierPoint(budget: budget, revenue: t, marginalROAS: m))
            }
            // The report: the plan at the scenario's budget, with the frontier around it.
            try OutputFolder.write(fitted.convergence.marking([("frontier.csv", PlanFiles.frontier(frontier))]
                                                              + ReportFile.files(Report.plan(base, frontier: frontier))), to: folder)
            print(fitted.convergence.verdict)
            print("Frontier of \(scenario.name): optimal plans from \(lowest) to \(highest) of \(money(base.problem.budget))"
                  + (scenario.plan.flighting.periodBudgets.isEmpty ? "" : ", each period budget scaled with the total") + "\n")
            let kind = scenario.data.targetKind
            print(table(header: ["budget", kind.targetLabel, "90% band", "\(kind.marginalLabel) of the last unit spent"], rows: rows))
            if kind == .units {
                // Units per dollar have no break-even at 1: nothing to say about a crossing.
            } else if let i = points.indices.dropFirst().first(where: { points[$0 - 1].mroas >= 1 && points[$0].mroas < 1 }) {
                let a = points[i - 1], b = points[i]
                let crossing = a.budget + (a.mroas - 1) / (a.mroas - b.mroas) * (b.budget - a.budget)
                print("\nThe marginal ROAS of the last dollar falls to 1 near a budget of \(money(crossing)).")
            } else if let last = points.last, last.mroas >= 1 {
                print("\nEven at \(money(last.budget)) the last dollar returns more than a dollar (mROAS \(String(format: "%.2f", last.mroas))).")
            }
            print("\nFiles: \(folder)/frontier.csv, report.html")
        }
    }
}
