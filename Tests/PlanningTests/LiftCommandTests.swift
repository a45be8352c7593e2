import Foundation
import GeoExperiment
import MediaModel
@testable import Simulation
import Testing
@testable import Planning

/// `mixplan lift` end to end on simulated geo data with a known experiment: the contract's files,
/// the loop (the written lift_test.csv calibrates a national fit), the design step, and every
/// refusal with its flag and exit code.
@Suite struct LiftCommandTests {
    static let root = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let geoScenario = root.appendingPathComponent("scenarios/geo-lift.yaml").path
    static let example = ["--channel", "tv", "--treated", "g03,g07,g12,g18", "--from", "2025-07-07", "--to", "2025-08-25"]

    @Test func theMeasuredLiftTestCalibratesANationalFit() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Another seed of the bundled example's truth, so the test does not lean on the bundled file.
        let history = GeoSimulationTruth.geoExample.simulate(seed: 5)
        write(history.csv, "geo.csv", in: dir)
        write(history.nationalCSV, "national.csv", in: dir)
        let geo = write("""
            name: geo
            data: {file: geo.csv, date: week, geo: geo, population: population, target: revenue, channels: [tv, search, social]}
            sampler: {chains: 2, warmup: 300, draws: 500, seed: 3}
            """, "geo.yaml", in: dir)
        let lift = try runMixPlan(["lift", geo] + Self.example + ["--cooldown", "4", "--out", dir.appendingPathComponent("lift").path, "--quiet"])
        #expect(lift.code == 0, "\(lift.stderr)")
        #expect(lift.stderr.isEmpty, "--quiet: \(lift.stderr)")
        #expect(lift.stdout.contains("tv in g03, g07, g12, g18 from 2025-07-07 to 2025-08-25") && lift.stdout.contains("incremental ROAS")
                && lift.stdout.contains("P(effect > 0)") && lift.stdout.contains("Pre-period fit (79 periods before the test): MAPE"))
        #expect(files(in: dir.appendingPathComponent("lift")) == ["lift_analysis.csv", "lift_test.csv"])
        // Same scenario and seed: the same files, byte for byte.
        let again = try runMixPlan(["lift", geo] + Self.example + ["--cooldown", "4", "--out", dir.appendingPathComponent("again").path, "--quiet"])
        #expect(again.code == 0 && again.stdout.prefix(200) == lift.stdout.prefix(200))
        for name in ["lift_analysis.csv", "lift_test.csv"] {
            let first = try Data(contentsOf: dir.appendingPathComponent("lift/\(name)"))
            #expect(first == (try Data(contentsOf: dir.appendingPathComponent("again/\(name)"))), "\(name) differs between two runs")
        }
        let analysis = try String(contentsOf: dir.appendingPathComponent("lift/lift_analysis.csv"), encoding: .utf8)
        let rows = analysis.split(separator: "\n")
        #expect(rows.first == "date,actual,counterfactual_mean,counterfactual_p05,counterfactual_p95,effect_mean")
        #expect(rows.count == 1 + 79 + 8 + 4 && rows[1].hasPrefix("2024-01-01,") && rows.last!.hasPrefix("2025-09-22,"))

        // The written test reads back as model.lift_tests reads it, and its band covers the
        // national curve's true lift for the same move (national-equivalent units).
        let testFile = dir.appendingPathComponent("lift/lift_test.csv").path
        let written = try #require(try LiftTestFile.load(file: testFile, channels: ["tv", "search", "social"]).first)
        let trueLift = history.trueNationalLift(channel: 0, spend: written.spend, change: written.change)
        #expect(abs(written.lift - trueLift) < 2 * written.standardError, "measured \(written.lift) ± \(written.standardError), true \(trueLift)")

        let national = write("""
            name: national
            data: {file: national.csv, date: week, target: revenue, channels: [tv, search, social]}
            model: {adstock: {type: geometric, max_lag: 8}, saturation: hill, lift_tests: lift/lift_test.csv}
            sampler: {chains: 2, warmup: 400, draws: 400, seed: 3}
            """, "national.yaml", in: dir)
        let fit = try runMixPlan(["fit", national, "--out", dir.appendingPathComponent("fit").path, "--quiet"], cache: dir.appendingPathComponent("cache"))
        #expect(fit.code == 0, "\(fit.stderr)")
        let answers = try String(contentsOf: dir.appendingPathComponent("fit/lift_tests.csv"), encoding: .utf8).split(separator: "\n")
        let header = answers[0].split(separator: ",").map(String.init)
        let row = answers[1].split(separator: ",").map(String.init)
        let value = { (name: String) in Double(row[header.firstIndex(of: name)!])! }
        // The fit's answer for the test lands inside the test's own 90% band.
        let band = (value("delta_y") - 1.645 * value("sigma"))...(value("delta_y") + 1.645 * value("sigma"))
        #expect(band.contains(value("model_mean")), "model \(value("model_mean")) outside the test's band \(band)")
    }

    @Test func theDesignStepSuggestsGeosAndADetectableEffect() throws {
        let args = ["lift", Self.geoScenario, "--design", "--channel", "tv", "--weeks", "8", "--change", "50%", "--treated-count", "4"]
        let a = try runMixPlan(args), b = try runMixPlan(args)
        #expect(a.code == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout, "the seeded search gave two answers")
        #expect(a.stdout.contains("Treat g") && a.stdout.contains("Minimum detectable effect") && a.stdout.contains("incremental ROAS of"))
        let off = try runMixPlan(["lift", Self.geoScenario, "--design", "--channel", "tv", "--weeks", "8", "--change=-100%"])
        #expect(off.code == 0, "\(off.stderr)")
    }

    static let allGeos: String = (1...24).map { String(format: "g%02d", $0) }.joined(separator: ",")
    static let badFlags: [(change: [String], message: String)] = [
        (["--channel", "tvv"], "--channel 'tvv'"),
        (["--treated", "g03,g99"], "--treated 'g99'"),
        (["--treated", allGeos], "all 24 geos"),
        (["--treated", "g03,g03"], "listed twice"),
        (["--from", "2023-06-05"], "--from 2023-06-05: before the data start"),
        (["--to", "2026-06-01"], "--to 2026-06-01: after the data end"),
        (["--from", "2025-08-25", "--to", "2025-07-07"], "is after --to"),
        (["--from", "2024-02-05", "--to", "2024-03-25"], "the counterfactual needs at least 26"),
        (["--from", "2025-07-7"], "not an ISO date"),
        (["--cooldown", "30"], "--cooldown 30"),
        (["--weeks", "8"], "needs --design"),
    ]

    @Test(arguments: badFlags)
    func badFlagsAreUsageErrorsNamingTheFlag(change: [String], message: String) throws {
        var args = Self.example
        for pair in stride(from: 0, to: change.count, by: 2) {
            if let i = args.firstIndex(of: change[pair]) { args[i + 1] = change[pair + 1] } else { args += [change[pair], change[pair + 1]] }
        }
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let r = try runMixPlan(["lift", Self.geoScenario] + args + ["--out", out.path])
        #expect(r.code == 64, "\(args): \(r.code) \(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "a refused run wrote \(out.path)")
    }

    @Test func theWindowHoldsThePeriodsDatedFromToInclusive() throws {
        let data = GeoSimulationTruth.geoExample.simulate(seed: 1).dataset
        // 2025-07-07 is period 79, a Monday; dates between periods take the periods inside.
        #expect(try LiftRun.resolveWindow(from: "2025-07-07", to: "2025-08-25", in: data) == 79..<87)
        #expect(try LiftRun.resolveWindow(from: "2025-07-08", to: "2025-08-26", in: data) == 80..<87)
        #expect(try LiftRun.resolveWindow(from: "2025-07-07", to: "2025-07-07", in: data) == 79..<80)
        #expect(inputError { _ = try LiftRun.resolveWindow(from: "2025-07-08", to: "2025-07-10", in: data) }?.kind == .usage)
        #expect(try LiftRun.resolveGeos(["g03", " g07".trimmingCharacters(in: .whitespaces)], in: data) == [2, 6])
    }

    @Test func nationalDataAreRefusedNamingDataGeo() throws {
        let r = try runMixPlan(["lift", Self.root.appendingPathComponent("scenarios/weekly-example.yaml").path] + Self.example)
        #expect(r.code == 78 && r.stderr.contains("data.geo"), "\(r.code) \(r.stderr)")
        let missing = try runMixPlan(["lift", Self.geoScenario, "--channel", "tv", "--from", "2025-07-07", "--to", "2025-08-25"])
        #expect(missing.code == 64 && missing.stderr.contains("--treated"), "\(missing.stderr)")
        let change = try runMixPlan(["lift", Self.geoScenario, "--design", "--channel", "tv", "--weeks", "8", "--change", "0%"])
        #expect(change.code == 64 && change.stderr.contains("--change"), "\(change.stderr)")
    }
}
