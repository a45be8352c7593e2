import ArgumentParser
import Foundation
import Simulation
import GeoExperiment
import Planning

/// `mixplan simulate-geo`: writes the bundled geo example (or another seed of it), its national
/// sums and the experiment's truth.
struct GeoSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-geo",
        abstract: "Write a geo history (24 regions, 104 weeks) with a known TV experiment, its national sums and the experiment's truth.",
        discussion: "With the default seed this reproduces Examples/data/geo_lift.csv byte for byte."
    )

    @Option(help: "Seed of the simulation.")
    var seed: UInt64 = GeoSimulationTruth.geoExampleSeed

    @Option(help: "Where to write the long-format geo history (CSV: week, geo, population, revenue, channels).")
    var out: String

    @Option(help: "Where to write the history summed over geos (CSV), for the national model.")
    var national: String?

    @Option(help: "Where to write the experiment's true incremental spend, effect and ROAS (CSV).")
    var truth: String?

    func run() throws {
        try reportingErrors {
            let history = GeoSimulationTruth.geoExample.simulate(seed: seed)
            try writeSimulated(out: out, contents: history.csv, companions: [
                (national, "national", { history.nationalCSV }),
                (truth, "truth", { history.truthCSV }),
            ])
        }
    }
}
