import ArgumentParser
import Foundation
import MediaModel
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

    func run() throws {
        try reportingErrors {
            let history = SimulationTruth.weeklyExample.simulate(seed: seed)
            try writeSimulated(out: out, contents: history.csv, companions: [
                (truth, "truth", { history.truthCSV }),
                (lift, "lift", { LiftTestFile.csv(SimulationTruth.weeklyExample.liftTests(on: ["tv", "search"], in: history, seed: nil)) }),
            ])
        }
    }
}
