import Foundation
import Testing
@testable import Planning

/// The built `mixplan` binary (the test target depends on it, so it is built first).
func mixPlanBinary() -> URL {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mixplan")
    let fallback = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/mixplan")
    return FileManager.default.fileExists(atPath: binary.path) ? binary : fallback
}

/// Runs the built `mixplan` binary.
func runMixPlan(_ arguments: [String], in folder: URL? = nil, cache: URL? = nil) throws -> (code: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = mixPlanBinary()
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = folder }
    // Fits are cached in a folder of the test's own, never in the user's home.
    var environment = ProcessInfo.processInfo.environment
    environment["MIXPLAN_CACHE"] = (cache ?? FileManager.default.temporaryDirectory.appendingPathComponent("mixplan-test-cache")).path
    process.environment = environment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

/// The files under `folder`, the marker that makes it replaceable left out.
func files(in folder: URL) -> [String] {
    (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter { !$0.hasSuffix(".mixplan-output") }.sorted()
}

@Suite struct CommandLineTests {
    let data = fixtures.appendingPathComponent("mmm_example.csv").path

    func scenario(_ dir: URL, data: String? = nil, extra: String = "", sampler: String = "{chains: 2, warmup: 150, draws: 150, seed: 5}") -> String {
        write("""
            name: cli test
            data: {file: \(data ?? self.data), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}
            model: {adstock: {type: geometric, max_lag: 8}, saturation: logistic, trend: none}
            sampler: \(sampler)
            \(extra)
            """, "s.yaml", in: dir)
    }

    @Test func fitWritesTheContractFilesDeterministically() throws {
        let dir = temporaryFolder()
        let path = scenario(dir)
        let a = try runMixPlan(["fit", path, "--out", dir.appendingPathComponent("a").path, "--quiet"])
        #expect(a.code == 0, "\(a.stderr)")
        #expect(a.stdout.contains("Convergence:") && a.stdout.contains("x1") && a.stdout.contains("Fit check:"))
        // How much the data narrowed each ROAS prior: a column and the sentence that explains it.
        #expect(a.stdout.contains("from data") && a.stdout.contains("narrowed each channel's ROAS prior"), "\(a.stdout)")
        #expect(a.stderr.isEmpty, "--quiet: \(a.stderr)")
        let b = try runMixPlan(["fit", path, "--out", dir.appendingPathComponent("b").path, "--quiet"])
        #expect(b.code == 0)
        let expectedHeaders = [
            "summary.csv": "parameter,mean,sd,p05,p50,p95,rhat,ess_bulk,ess_tail",
            "channels.csv": "channel,spend,contribution_mean,contribution_p05,contribution_p95,roas_mean,roas_p05,roas_p95",
        ]
        for name in ["draws.csv", "summary.csv", "channels.csv", "report.json", "report.html"] {
            let first = try String(contentsOf: dir.appendingPathComponent("a/\(name)"), encoding: .utf8)
            let second = try String(contentsOf: dir.appendingPathComponent("b/\(name)"), encoding: .utf8)
            #expect(first == second, "\(name) differs between two runs with the same seed")
            let header = first.split(separator: "\n").first { !$0.hasPrefix("#") }.map(String.init) ?? ""
            if let expected = expectedHeaders[name] { #expect(header == expected) }
            else if name.hasPrefix("report") { continue }
            else { #expect(header.hasPrefix("lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,") && header.hasSuffix(",chain__")) }
        }
        let draws = try String(contentsOf: dir.appendingPathComponent("a/draws.csv"), encoding: .utf8)
        #expect(draws.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == 1 + 2 * 150)
        #expect(files(in: dir.appendingPathComponent("a")) == ["channels.csv", "draws.csv", "report.html", "report.json", "summary.csv"])
        // The fit's page has the fit's sections, and every chart draws something.
        let page = try String(contentsOf: dir.appendingPathComponent("a/report.html"), encoding: .utf8)
        for id in ["headline", "actual-vs-fitted", "contributions", "roas", "response-curves", "adstock", "diagnostics"] {
            #expect(page.contains("<section id=\"\(id)\""), "\(id)")
        }
        #expect(!page.contains("<section id=\"recommendation\"") && !page.contains("<section id=\"lift-tests\""))
        #expect(BrowserReportTests.charts(in: page).allSatisfy { $0.marks > 0 })
        // `mixplan report` needs the folder's report.json.
        let missing = try runMixPlan(["report", dir.path])
        #expect(missing.code == 66 && missing.stderr.contains("report.json"), "\(missing.stderr)")
    }

    /// Bad inputs: exit code, a fragment of the message, and no output file.
    @Test(arguments: ["missing data", "missing scenario", "text in a number", "NaN", "yaml syntax", "unknown key",
                      "bad sampler value", "unknown option", "unknown channel"])
    func badInputFailsCleanly(name: String) throws {
        let dir = temporaryFolder()
        let out = dir.appendingPathComponent("out")
        var lines = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n").map(String.init)
        var arguments: [String]
        let expected: (Int32, String)
        switch name {
        case "missing data":
            arguments = ["fit", scenario(dir, data: dir.appendingPathComponent("none.csv").path)]
            expected = (66, "none.csv: no such file")
        case "missing scenario":
            arguments = ["fit", dir.appendingPathComponent("nope.yaml").path]
            expected = (66, "no such scenario file")
        case "text in a number":
            var f = lines[29].split(separator: ",").map(String.init); f[2] = "abc"; lines[29] = f.joined(separator: ",")
            arguments = ["fit", scenario(dir, data: write(lines.joined(separator: "\n"), "d.csv", in: dir))]
            expected = (65, "line 30, column 'x1': 'abc' is not a number")
        case "NaN":
            var f = lines[10].split(separator: ",").map(String.init); f[1] = "nan"; lines[10] = f.joined(separator: ",")
            arguments = ["fit", scenario(dir, data: write(lines.joined(separator: "\n"), "d.csv", in: dir))]
            expected = (65, "line 11, column 'y'")
        case "yaml syntax":
            arguments = ["fit", write("data: [{file: x.csv\nmodel: {}\n", "s.yaml", in: dir)]
            expected = (78, "not valid YAML")
        case "unknown key":
            arguments = ["fit", scenario(dir, extra: "plann: {horizon: 13}")]
            expected = (78, "did you mean 'plan'")
        case "bad sampler value":
            arguments = ["fit", scenario(dir, sampler: "{chains: 0}")]
            expected = (78, "sampler.chains: expected 1 to 64")
        case "unknown option":
            arguments = ["fit", scenario(dir), "--fast"]
            expected = (64, "Unknown option")
        case "unknown channel":
            arguments = ["fit", scenario(dir, extra: "").replacingOccurrences(of: "s.yaml", with: "s.yaml")]
            _ = write(try String(contentsOfFile: arguments[1], encoding: .utf8).replacingOccurrences(of: "[x1, x2]", with: "[x1, x3]"), "s.yaml", in: dir)
            expected = (65, "no column 'x3'")
        default:
            Issue.record("unknown case"); return
        }
        let result = try runMixPlan(arguments + ["--out", out.path, "--quiet"])
        #expect(result.code == expected.0, "\(name): exit \(result.code), stderr \(result.stderr)")
        #expect(result.stderr.contains(expected.1), "\(name): \(result.stderr)")
        #expect(files(in: out).isEmpty, "\(name) left files: \(files(in: out))")
    }

    @Test func failedRunLeavesAnExistingFolderAlone() throws {
        let dir = temporaryFolder()
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        write("old results", "channels.csv", in: out)
        let bad = scenario(dir, data: dir.appendingPathComponent("none.csv").path)
        let result = try runMixPlan(["fit", bad, "--out", out.path, "--quiet"])
        #expect(result.code == 66)
        #expect(files(in: out) == ["channels.csv"])
        #expect(try String(contentsOf: out.appendingPathComponent("channels.csv"), encoding: .utf8) == "old results")
    }

    @Test func bundledExampleIsWhatTheSimulatorWrites() throws {
        let dir = temporaryFolder()
        let result = try runMixPlan(["simulate", "--out", dir.appendingPathComponent("weekly.csv").path,
                                     "--lift", dir.appendingPathComponent("lift.csv").path])
        #expect(result.code == 0, "\(result.stderr)")
        let root = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["weekly.csv", "lift.csv"] {
            let bundled = try Data(contentsOf: root.appendingPathComponent("Examples/data/\(name)"))
            #expect(try Data(contentsOf: dir.appendingPathComponent(name)) == bundled, "\(name)")
        }
    }

    @Test func seasonalExampleIsWhatTheSimulatorWrites() throws {
        let dir = temporaryFolder()
        let result = try runMixPlan(["simulate", "--seasonal-tv", "0.35", "--out", dir.appendingPathComponent("weekly_seasonal_tv.csv").path,
                                     "--truth", dir.appendingPathComponent("weekly_seasonal_tv-truth.csv").path,
                                     "--effectiveness", dir.appendingPathComponent("weekly_seasonal_tv-effectiveness.csv").path])
        #expect(result.code == 0, "\(result.stderr)")
        let root = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["weekly_seasonal_tv.csv", "weekly_seasonal_tv-truth.csv", "weekly_seasonal_tv-effectiveness.csv"] {
            let bundled = try Data(contentsOf: root.appendingPathComponent("Examples/data/\(name)"))
            #expect(try Data(contentsOf: dir.appendingPathComponent(name)) == bundled, "\(name)")
        }
        let refused = try runMixPlan(["simulate", "--out", dir.appendingPathComponent("x.csv").path,
                                      "--effectiveness", dir.appendingPathComponent("m.csv").path])
        #expect(refused.code == 64 && refused.stderr.contains("--effectiveness needs --seasonal-tv"), "\(refused.stderr)")
    }

    @Test func fitCalibratedToLiftTestsReportsThem() throws {
        let dir = temporaryFolder()
        let cache = dir.appendingPathComponent("cache")
        func run(_ liftCSV: String?) throws -> (code: Int32, stdout: String, stderr: String, out: URL) {
            let out = dir.appendingPathComponent("out-\(UUID().uuidString)")
            let liftFile = dir.appendingPathComponent("lift.csv")
            try? FileManager.default.removeItem(at: liftFile)
            if let liftCSV { _ = write(liftCSV, "lift.csv", in: dir) }
            let path = write("""
                name: lift test
                data: {file: \(data), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}
                model: {adstock: {type: geometric, max_lag: 8}, saturation: logistic, trend: none, lift_tests: lift.csv}
                sampler: {chains: 2, warmup: 150, draws: 150, seed: 5}
                """, "s.yaml", in: dir)
            let r = try runMixPlan(["fit", path, "--out", out.path, "--quiet"], cache: cache)
            return (r.code, r.stdout, r.stderr, out)
        }
        let header = "channel,x,delta_x,delta_y,sigma\n"
        let ok = try run(header + "x1,0.4,0.2,0.3,0.05\n")
        #expect(ok.code == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("Lift tests (weekly; the fit is calibrated to them)") && ok.stdout.contains("0.4 → 0.6"), "\(ok.stdout)")
        let rows = try String(contentsOf: ok.out.appendingPathComponent("lift_tests.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "channel,x,delta_x,delta_y,sigma,model_mean,model_p05,model_p95,gap_sigmas" && rows.count == 2)
        #expect(files(in: ok.out) == ["channels.csv", "draws.csv", "lift_tests.csv", "report.html", "report.json", "summary.csv"])
        // A changed lift test is a different fit, not the cached one.
        let changed = try run(header + "x1,0.4,0.2,0.1,0.05\n")
        #expect(changed.code == 0 && changed.stdout != ok.stdout)

        let missing = try run(nil)
        #expect(missing.code == 66 && missing.stderr.contains("named by model.lift_tests") && files(in: missing.out).isEmpty, "\(missing.stderr)")
        let unknown = try run(header + "x3,0.4,0.2,0.3,0.05\n")
        #expect(unknown.code == 65 && unknown.stderr.contains("line 2, column 'channel'") && files(in: unknown.out).isEmpty, "\(unknown.stderr)")
    }
}
