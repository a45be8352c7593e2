import Foundation
import Testing
@testable import GeoExperiment
import MediaModel
@testable import Simulation
import Sampling

/// The design search, its regression stand-in, and the simulator's own arithmetic.
@Suite struct DesignAndSimulationTests {
    @Test func nonNegativeRidgeRecoversAnExactNonNegativeMix() {
        // y = 0.3 x₁/mean(x₁) + 0.7 x₂/mean(x₂) (scaled units) exactly, with a third control unused.
        var rng = SeededGenerator(seed: 4)
        let T = 60
        let xs = (0..<3).map { _ in (0..<T).map { _ in 10 + rng.normal() } }
        let means = xs.map { $0.reduce(0, +) / Double(T) }
        let y = (0..<T).map { t in 0.3 * xs[0][t] / means[0] + 0.7 * xs[1][t] / means[1] }
        let predicted = NonNegativeRidge.fitAndPredict(y: y, controls: xs, fit: 0..<T, lambda: 1e-9, sweeps: 3000)
        let worst = zip(predicted, y).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-4, "largest error \(worst)")
    }

    @Test func theSearchIsSeededAndBeatsRandomDesigns() throws {
        let history = GeoSimulationTruth.geoExample.simulate(seed: 8)
        let best = try DesignSearch.search(data: history.dataset, channel: 0, weeks: 8, change: 0.5, treatedCount: 5, seed: 1)
        let again = try DesignSearch.search(data: history.dataset, channel: 0, weeks: 8, change: 0.5, treatedCount: 5, seed: 1)
        #expect(best == again)
        let top = try #require(best.first)
        #expect(top.treated.count == 5 && Set(top.treated).count == 5)
        // Random designs scored the same way: the search's pick is at least as good as all of them.
        let random = try DesignSearch.search(data: history.dataset, channel: 0, weeks: 8, change: 0.5, treatedCount: 5,
                                             candidates: 1, seed: 99, keep: 1)
        #expect(top.selectionError / top.spendChange <= random[0].selectionError / random[0].spendChange)
        // The MDE is the error times z₀.₉₅ + z₀.₈₀, and the spend change is +50% of recent weekly spend × 8.
        #expect(abs(top.minimumDetectableEffect / top.windowError - 2.4865) < 1e-3)
        let recent = (history.dataset.periods - 13)..<history.dataset.periods
        let weekly = top.treated.reduce(0) { s, g in recent.reduce(s) { $0 + history.dataset.spend(geo: g, channel: 0)[$1] } } / 13
        #expect(abs(top.spendChange - 0.5 * weekly * 8) < 1e-6 * weekly)
    }

    @Test func aGeoRespondsAsItsShareOfTheNationalCurve() {
        // The simulator's premise behind national-equivalent lift tests: geo g's contribution at
        // constant spend x_g is p_g × the national curve at x_g / p_g.
        var truth = GeoSimulationTruth.geoExample
        truth.experiment = nil
        let history = truth.simulate(seed: 3)
        let ch = truth.channels[1], scale = history.scales[1]
        for g in [0, 5] {
            let p = history.shares[g], x = 4_000.0
            let geo = p * ch.effect * history.hill(x / p / scale, ch)
            let national = history.trueNationalLift(channel: 1, spend: 0, change: x / p)
            #expect(abs(geo - p * national) < 1e-9 * national)
        }
        #expect(history.trueIncrementalSpend == 0 && history.trueEffect(over: 0..<104) == 0)
    }

    @Test func theBundledExampleIsWhatTheSimulatorWrites() throws {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/data")
        let history = GeoSimulationTruth.geoExample.simulate(seed: GeoSimulationTruth.geoExampleSeed)
        #expect(try String(contentsOf: data.appendingPathComponent("geo_lift.csv"), encoding: .utf8) == history.csv)
        #expect(try String(contentsOf: data.appendingPathComponent("geo_lift_national.csv"), encoding: .utf8) == history.nationalCSV)
        #expect(try String(contentsOf: data.appendingPathComponent("geo_lift_truth.csv"), encoding: .utf8) == history.truthCSV)
    }
}
