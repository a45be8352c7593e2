import ArgumentParser
import Foundation
import MediaModel
import Simulation
import Planning
import Sampling

/// `mixplan demo`: the bundled example end to end with no arguments. It writes the example data
/// and three scenarios into the output folder, fits once, and plans the next quarter three ways
/// (expected revenue, risk-averse, with bounds) plus a what-if, printing each result.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the bundled example end to end: fit, plan the next quarter, a risk-averse plan, a plan with bounds, a what-if."
    )

    @Option(help: "Output folder.")
    var out = "mixplan-demo"

    @Flag(help: "Silence progress on stderr.")
    var quiet = false

    func run() throws {
        try reportingErrors {
            let history = SimulationTruth.weeklyExample.simulate(seed: SimulationTruth.weeklyExampleSeed)
            let folder = URL(fileURLWithPath: out)
            // The data and scenarios go in first (the scenarios are read from there); the results
            // then replace the folder as a whole, data and scenarios included.
            var files = [("data/weekly.csv", history.csv), ("data/weekly-truth.csv", history.truthCSV)] + demoScenarios
            try OutputFolder.write(files, to: folder.path)
            func load(_ name: String) throws -> Scenario { try Scenario.load(path: folder.appendingPathComponent(name).path) }

            // 1. Fit (once; the other plans reuse it).
            let base = try load("q1-plan.yaml")
            let config = base.sampler
            let printer = ProgressPrinter(chains: config.chains, iterationsPerChain: config.warmup + config.draws,
                                          label: "fitting the example", quiet: quiet)
            let fitted = try Planner.fit(base) { printer.update($0) }
            // The demo's data are simulated, so its reports show the true ROAS beside the fit's.
            let fitReport = ReportFile.files(Report.fit(scenario: base, posterior: fitted.posterior, truthROAS: history.roas))
            files += (fitted.files.filter { $0.name != ReportFile.json && $0.name != ReportFile.html } + fitReport)
                .map { ("fit/" + $0.name, $0.contents) }
            let summaries = fitted.posterior.channelSummaries()
            print("MixPlan demo: three years of weekly data on five channels, simulated from known parameters (Examples/README.md).\n")
            print("1. Fit — channel ROAS over the three years, against the truth:\n")
            print(table(header: ["channel", "true ROAS", "fitted", "90% band", "inside"], rows: summaries.enumerated().map { c, s in
                [s.channel, String(format: "%.2f", history.roas[c]), String(format: "%.2f", s.roas.mean),
                 String(format: "[%.2f – %.2f]", s.roas.lower, s.roas.upper), s.roas.contains(history.roas[c]) ? "yes" : "no"]
            }))
            print("\n" + fitted.convergence.verdict)

            // 2–4. Plans, all from the same fit.
            var written: [String] = [folder.appendingPathComponent("fit").path]
            for (step, file, title) in [(2, "q1-plan.yaml", "Plan for the next quarter (expected revenue)"),
                                        (3, "q1-risk-averse.yaml", "Risk-averse plan (mean of the worst 10% of draws)"),
                                        (4, "q1-bounds.yaml", "Plan with bounds (TV at least $1.5M, display at most $200k)")] {
                let scenario = try load(file)
                let run = try Planner.plan(scenario, fitted: fitted)
                let dir = folder.appendingPathComponent(file.replacingOccurrences(of: ".yaml", with: "")).path
                files += PlanFiles.files(run, truthROAS: history.roas).map { (file.replacingOccurrences(of: ".yaml", with: "") + "/" + $0.name, $0.contents) }
                written.append(dir)
                print("\n\(step). \(title)\n")
                print(PlanReport(run).text)
            }
            try OutputFolder.write(files, to: folder.path)
            print("\nFiles: " + written.joined(separator: ", ") + " (summary.csv, plan.csv, whatif.csv, report.html)")
            print("Report: open \(written[1])/report.html in a browser (the fit's alone: \(written[0])/report.html)")
        }
    }

    private var demoScenarios: [(name: String, contents: String)] {
        let common = """
            data:
              file: data/weekly.csv
              date: week
              target: revenue
              channels: [tv, search, social, youtube, display]
              controls: [price_index, holiday]
            model: {adstock: {type: geometric, max_lag: 8}, saturation: hill, seasonality: {period: 52.18, order: 2}, trend: linear}
            sampler: {chains: 4, warmup: 1000, draws: 1000, seed: 7}

            """
        let whatIf = """
            what_if:
              - name: Move $500k from TV to YouTube
                move: {amount: 500k, from: tv, to: youtube}

            """
        return [
            ("q1-plan.yaml", "name: q1 plan\n" + common + "plan: {horizon: 13, start: 2026-01-05, budget: 4M, optimizer: auto}\n" + whatIf),
            ("q1-risk-averse.yaml", "name: q1 risk averse\n" + common + "plan: {horizon: 13, start: 2026-01-05, budget: 4M, objective: {cvar: 0.1}}\n"),
            ("q1-bounds.yaml", "name: q1 bounds\n" + common
                + "plan: {horizon: 13, start: 2026-01-05, budget: 4M, bounds: {tv: [1.5M, 3M], display: [0, 200k]}}\n"),
        ]
    }
}

/// Left-aligned first column, right-aligned numbers.
func table(header: [String], rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { c, cell in
            let pad = String(repeating: " ", count: widths[c] - cell.count)
            return c == 0 ? cell + pad : pad + cell
        }.joined(separator: "  ")
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
}
