import ArgumentParser
import Foundation
import MediaModel
import Simulation
import Planning

/// `mixplan simulate`: writes the bundled example history (or another seed of it) and its truth.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a weekly history simulated from the example's documented truth, and that truth.",
        discussion: "With the default seed this reproduces Examples/data/weekly.csv byte for byte."
    )

    @Option(help: "Seed of the simulation.")
    var seed: UInt64 = SimulationTruth.weeklyExampleSeed

    @Option(help: "Where to write the history (CSV).")
    var out: String

    @Option(help: "Where to write the true contribution and ROAS per channel (CSV).")
    var truth: String?

    @Option(help: "Where to write lift tests on tv and search (CSV: channel,x,delta_x,delta_y,sigma): each raises the typical weekly spend by 30% and reports the true lift, stated with a 10% standard error.")
    var lift: String?

    @Option(help: "TV's effect swings over the year by exp(±A) (e.g. 0.35), peaking in the week of the year given by --tv-peak-week; 0 keeps it constant.")
    var seasonalTv: Double = 0

    @Option(help: "Week of the year (0–52, counted from the history's first week) where TV's effect peaks under --seasonal-tv.")
    var tvPeakWeek: Double = 48

    @Option(help: "With --seasonal-tv: where to write TV's true multiplier per week over the history and the year after it (CSV: week,channel,observed,multiplier).")
    var effectiveness: String?

    func run() throws {
        try reportingErrors {
            guard seasonalTv >= 0, seasonalTv <= 2 else { throw InputError(.usage, "--seasonal-tv: expected 0 to 2, got \(seasonalTv)") }
            guard effectiveness == nil || seasonalTv > 0 else { throw InputError(.usage, "--effectiveness needs --seasonal-tv") }
            var world = SimulationTruth.weeklyExample
            if seasonalTv > 0 { world = world.withYearlyEffectiveness(channel: "tv", amplitude: seasonalTv, peakWeek: tvPeakWeek) }
            let history = world.simulate(seed: seed)
            let multiplier = SimulationTruth.yearlyEffectiveness(amplitude: seasonalTv, peakWeek: tvPeakWeek, periods: world.periods)
            try writeSimulated(out: out, contents: history.csv, companions: [
                (truth, "truth", { history.truthCSV }),
                (lift, "lift", { LiftTestFile.csv(world.liftTests(on: ["tv", "search"], in: history, seed: nil)) }),
                (effectiveness, "effectiveness", {
                    let dates = isoWeeks(from: world.startDate, count: world.periods + 52)
                    return (["week,channel,observed,multiplier"] + dates.enumerated().map { t, date in
                        "\(date),tv,\(t < world.periods ? 1 : 0),\(String(format: "%.4f", multiplier(t)))"
                    }).joined(separator: "\n") + "\n"
                }),
            ])
        }
    }
}
