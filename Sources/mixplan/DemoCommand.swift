import ArgumentParser
import Foundation
import MediaModel
import Planning
import Sampling

/// `mixplan demo`: the bundled example end to end with no arguments. Today that is the fit (the
/// planner comes next): it writes the example's data and scenario into the output folder, fits
/// them, and shows the estimates next to the truth the example was simulated from.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the bundled example end to end (today: fit the example and compare with its truth)."
    )

    @Option(help: "Output folder.")
    var out = "mixplan-demo"

    @Flag(help: "Silence progress on stderr.")
    var quiet = false

    func run() throws {
        try reportingErrors {
            let history = SimulationTruth.weeklyExample.simulate(seed: SimulationTruth.weeklyExampleSeed)
            let folder = URL(fileURLWithPath: out)
            try OutputFolder.write([("weekly.csv", history.csv), ("weekly-truth.csv", history.truthCSV)],
                                   to: folder.appendingPathComponent("data").path)
            try OutputFolder.write([("scenario.yaml", demoScenario)], to: folder.path)
            let scenario = try Scenario.load(path: folder.appendingPathComponent("scenario.yaml").path)
            let fit = try fitWithProgress(scenario, quiet: quiet)
            let paths = try OutputFolder.write(fit.files(), to: folder.appendingPathComponent("fit").path)
            print(FitReport(fit).text)
            print("\nThe example was simulated from known parameters (Examples/README.md). True ROAS against the fit:\n")
            let rows = fit.channels.enumerated().map { c, s in
                [s.channel, String(format: "%.2f", history.roas[c]), String(format: "%.2f", s.roas.mean),
                 String(format: "[%.2f – %.2f]", s.roas.lower, s.roas.upper), s.roas.contains(history.roas[c]) ? "yes" : "no"]
            }
            print(table(header: ["channel", "true ROAS", "fitted", "90% band", "inside"], rows: rows))
            print("\nFiles: " + ([folder.appendingPathComponent("scenario.yaml").path] + paths).joined(separator: ", "))
            print("Next milestone: plan, what-if and frontier on this fit.")
        }
    }

    private var demoScenario: String {
        """
        # Written by `mixplan demo`: the bundled example (see scenarios/weekly-example.yaml).
        name: weekly example
        data:
          file: data/weekly.csv
          date: week
          target: revenue
          channels: [tv, search, social, youtube, display]
          controls: [price_index, holiday]
        model:
          adstock: {type: geometric, max_lag: 8}
          saturation: hill
          seasonality: {period: 52.18, order: 2}
          trend: linear
        sampler: {chains: 4, warmup: 1000, draws: 1000, seed: 7}

        """
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
