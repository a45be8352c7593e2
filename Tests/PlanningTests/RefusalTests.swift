import Foundation
import Testing
@testable import Planning

/// Inputs that could crash, pass with a wrong result, or fail only after a full fit. Each must
/// be refused with its exit code and a message naming the key or column, before any sampling
/// (the fit cache stays empty) and with no output folder.
@Suite struct RefusalTests {
    let data = fixtures.appendingPathComponent("mmm_example.csv").path

    func scenario(_ dir: URL, dataBlock: String? = nil, model: String = "{adstock: {type: geometric, max_lag: 4}, saturation: logistic, trend: none}",
                  plan: String = "{horizon: 13, budget: 4}", extra: String = "", name: String = "refusal", file: String = "s.yaml") -> String {
        write("""
            name: \(name)
            data: \(dataBlock ?? "{file: \(data), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}")
            model: \(model)
            sampler: {chains: 2, warmup: 100, draws: 100, seed: 3}
            plan: \(plan)
            \(extra)
            """, file, in: dir)
    }

    /// A copy of the example data with one cell (row, column) changed, or a column rewritten.
    func data(_ dir: URL, edit: (inout [[String]]) -> Void) throws -> String {
        var rows = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        edit(&rows)
        return write(rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n", "d.csv", in: dir)
    }

    static let cases: [(name: String, code: Int32, fragment: String)] = [
        ("likelihood {}", 78, "model.likelihood: expected normal, student_t"),
        ("budget 1e30 in the file", 78, "is not an amount"),
        ("--budget 1e30", 64, "--budget '1e30' is not an amount"),
        ("whatif --move 1e30", 64, "--move '1e30' is not an amount"),
        ("frontier --to 1e20", 64, "--from and --to"),
        ("target scaled by 1e15", 65, "line 2, column 'y'"),
        ("target scaled by 1e-300", 65, "column 'y': the target is at most"),
        ("cvar of 1e-300 (trapped in the optimizer)", 78, "plan.objective.cvar: expected a share of draws from 0.0001 to 1"),
        ("prior sd of 1e-300 (no starting point, exit 70)", 78, "model.priors.sigma.half_normal.sd: sd 1e-300 is below 0.000001"),
        ("budget of 1e-300 (planned rounding noise)", 78, "is below a millionth of what the history spends"),
        ("student_t nu of 1e-300", 78, "nu must be from 1 to 1,000,000"),
        ("target as a channel", 78, "'y' is the target"),
        ("target as a control", 78, "'y' is the target"),
        ("channel and control", 78, "'x1' is listed as a channel and as a control"),
        ("control twice", 78, "'event_1' is listed twice"),
        ("constant target", 65, "column 'y': the target is 5 in every row"),
        ("budget 0", 78, "plan.budget: a budget of 0"),
        ("objective {}", 78, "plan.objective: names no objective"),
        ("t beside a linear trend", 78, "column 't' (data.controls) is (almost) a combination of the linear trend"),
        ("constant control", 78, "column 'event_2' (data.controls) is 0 in every row"),
        ("minimums above the budget", 78, "below the sum of the channel minimums"),
        ("what-if beyond what a channel can give", 78, "the largest possible move is"),
        ("whatif --base current beyond the current mix", 78, "in the current mix scaled to"),
        ("output folder is a file", 78, "is a file, not a folder"),
        ("output folder holds other files", 78, "which mixplan did not write"),
        ("duplicate scenario names", 78, "gives the same output folder"),
        ("seed above Int64", 0, ""),
        ("seed negative", 78, "sampler.seed: expected a seed from 0 to 18446744073709551615"),
        ("draws too many", 78, "sampler.draws: expected 1 to 100000"),
        ("hidden characters in a channel name", 65, "no column 'x1<U+00A0>'"),
        ("by_geo on national data", 78, "plan.by_geo: the data have no geos"),
        ("geo_bounds on national data", 78, "plan.geo_bounds: caps per geo need geo data"),
    ]

    @Test(arguments: cases.indices)
    func refusedBeforeSampling(index: Int) throws {
        let c = Self.cases[index]
        let dir = temporaryFolder()
        let out = dir.appendingPathComponent("out")
        let cache = dir.appendingPathComponent("cache")
        var arguments: [String]
        func plan(_ path: String) -> [String] { ["plan", path, "--out", out.path] }
        switch c.name {
        case "likelihood {}": arguments = plan(scenario(dir, model: "{likelihood: {}, trend: none}"))
        case "budget 1e30 in the file": arguments = plan(scenario(dir, plan: "{budget: 1e30}"))
        case "--budget 1e30": arguments = plan(scenario(dir)) + ["--budget", "1e30"]
        case "whatif --move 1e30": arguments = ["whatif", scenario(dir), "--move", "1e30", "--from", "x1", "--to", "x2", "--out", out.path]
        case "frontier --to 1e20": arguments = ["frontier", scenario(dir), "--to", "1e20", "--out", out.path]
        case "target scaled by 1e15":
            let file = try data(dir) { rows in for r in rows.indices.dropFirst() { rows[r][1] = "\(Double(rows[r][1])! * 1e15)" } }
            arguments = plan(scenario(dir, dataBlock: "{file: \(file), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}"))
        case "target scaled by 1e-300":
            let file = try data(dir) { rows in for r in rows.indices.dropFirst() { rows[r][1] = "\(Double(rows[r][1])! * 1e-300)" } }
            arguments = plan(scenario(dir, dataBlock: "{file: \(file), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}"))
        case "cvar of 1e-300 (trapped in the optimizer)": arguments = plan(scenario(dir, plan: "{budget: 4, objective: {cvar: 1e-300}}"))
        case "prior sd of 1e-300 (no starting point, exit 70)":
            arguments = plan(scenario(dir, model: "{trend: none, priors: {sigma: {half_normal: {sd: 1e-300}}}}"))
        case "budget of 1e-300 (planned rounding noise)": arguments = plan(scenario(dir, plan: "{budget: 1e-300}"))
        case "student_t nu of 1e-300": arguments = plan(scenario(dir, model: "{trend: none, likelihood: {student_t: {nu: 1e-300}}}"))
        case "target as a channel":
            arguments = plan(scenario(dir, dataBlock: "{file: \(data), date: date_week, target: y, channels: [x1, y]}"))
        case "target as a control":
            arguments = plan(scenario(dir, dataBlock: "{file: \(data), date: date_week, target: y, channels: [x1, x2], controls: [y]}"))
        case "channel and control":
            arguments = plan(scenario(dir, dataBlock: "{file: \(data), date: date_week, target: y, channels: [x1, x2], controls: [x1]}"))
        case "control twice":
            arguments = plan(scenario(dir, dataBlock: "{file: \(data), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_1]}"))
        case "constant target":
            let file = try data(dir) { rows in for r in rows.indices.dropFirst() { rows[r][1] = "5" } }
            arguments = plan(scenario(dir, dataBlock: "{file: \(file), date: date_week, target: y, channels: [x1, x2]}"))
        case "budget 0": arguments = plan(scenario(dir, plan: "{budget: 0}"))
        case "objective {}": arguments = plan(scenario(dir, plan: "{budget: 4, objective: {}}"))
        case "t beside a linear trend": arguments = plan(scenario(dir, model: "{saturation: logistic, trend: linear}"))
        case "constant control":
            let file = try data(dir) { rows in for r in rows.indices.dropFirst() { rows[r][5] = "0" } }
            arguments = plan(scenario(dir, dataBlock: "{file: \(file), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2]}"))
        case "minimums above the budget": arguments = plan(scenario(dir, plan: "{budget: 1, bounds: {x1: [0.8, 4], x2: [0.5, 3]}}"))
        case "what-if beyond what a channel can give":
            arguments = plan(scenario(dir, plan: "{budget: 4, bounds: {x1: [0, 1]}}", extra: "what_if: [{move: {amount: 2, from: x1, to: x2}}]"))
        case "whatif --base current beyond the current mix":
            arguments = ["whatif", scenario(dir), "--move", "3.9", "--from", "x2", "--to", "x1", "--base", "current", "--out", out.path]
        case "output folder is a file":
            write("x", "out", in: dir)
            arguments = plan(scenario(dir))
        case "output folder holds other files":
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            write("mine", "notes.txt", in: out)
            arguments = plan(scenario(dir))
        case "duplicate scenario names":
            arguments = ["plan", scenario(dir, name: "Q1!"), scenario(dir, name: "q1", file: "t.yaml"), "--out", out.path]
        case "seed above Int64":
            // Accepted: the same range as --seed. Checked by loading, not by fitting.
            let path = scenario(dir).replacingOccurrences(of: "", with: "")
            let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "seed: 3", with: "seed: 18446744073709551615")
            _ = write(text, "s.yaml", in: dir)
            #expect(try Scenario.load(path: path).sampler.seed == UInt64.max)
            return
        case "seed negative":
            let path = scenario(dir)
            _ = write(try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "seed: 3", with: "seed: -1"), "s.yaml", in: dir)
            arguments = plan(path)
        case "draws too many":
            let path = scenario(dir)
            _ = write(try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "draws: 100", with: "draws: 1_000_000_000"), "s.yaml", in: dir)
            arguments = plan(path)
        case "hidden characters in a channel name":
            arguments = plan(scenario(dir, dataBlock: "{file: \(data), date: date_week, target: y, channels: [\"x1\\u00a0\", x2]}"))
        case "by_geo on national data": arguments = plan(scenario(dir, plan: "{horizon: 13, budget: 4, by_geo: true}"))
        case "geo_bounds on national data": arguments = plan(scenario(dir, plan: "{horizon: 13, budget: 4, geo_bounds: {g1: [0, 1]}}"))
        default: Issue.record("unknown case \(c.name)"); return
        }
        let result = try runMixPlan(arguments + ["--quiet"], cache: cache)
        #expect(result.code == c.code, "\(c.name): exit \(result.code): \(result.stderr)")
        #expect(result.stderr.contains(c.fragment), "\(c.name): \(result.stderr)")
        #expect(!result.stderr.contains("internal failure"), "\(c.name)")
        #expect(files(in: cache).isEmpty, "\(c.name): sampled before refusing (\(files(in: cache)))")
        if !["output folder is a file", "output folder holds other files"].contains(c.name) {
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(c.name) left \(files(in: out))")
        }
    }

    /// plan, whatif and frontier print the fit's verdict, refuse an unconverged fit, and with
    /// --allow-unconverged mark every output. `fit` stores its fit where `plan` finds it.
    @Test func unconvergedFitsAreRefusedOrMarked() throws {
        let dir = temporaryFolder()
        let cache = dir.appendingPathComponent("cache")
        // 2 chains × 100 draws cannot reach 400 effective draws: unconverged by construction.
        let path = scenario(dir)
        let fit = try runMixPlan(["fit", path, "--out", dir.appendingPathComponent("fit").path, "--quiet"], cache: cache)
        #expect(fit.code == 0, "\(fit.stderr)")
        let refused = try runMixPlan(["plan", path, "--out", dir.appendingPathComponent("p").path, "--quiet"], cache: cache)
        #expect(refused.code == 78 && refused.stderr.contains("did not converge") && refused.stderr.contains("--allow-unconverged"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("p").path))
        for command in [["plan", path], ["whatif", path, "--move", "0.1", "--from", "x1", "--to", "x2"], ["frontier", path, "--steps", "3"]] {
            let out = dir.appendingPathComponent(command[0])
            let r = try runMixPlan(command + ["--out", out.path, "--quiet", "--allow-unconverged"], cache: cache)
            #expect(r.code == 0, "\(command[0]): \(r.stderr)")
            #expect(r.stdout.contains("NOT converged"), "\(command[0]): \(r.stdout)")
            if command[0] == "plan" { #expect(r.stdout.contains("reused"), "fit then plan sampled twice: \(r.stdout)") }
            let written = files(in: out)
            #expect(written.contains("UNCONVERGED.txt"), "\(command[0]): \(written)")
            if written.contains("report.html") {
                let page = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
                #expect(page.contains("UNCONVERGED FIT"), "\(command[0]) report.html is not marked")
            }
            let note = try String(contentsOf: out.appendingPathComponent("UNCONVERGED.txt"), encoding: .utf8)
            #expect(note.hasPrefix("UNCONVERGED FIT") && note.contains("NOT converged"), "\(command[0]): \(note)")
            // Every CSV of the plan starts with its header, for readers that know no comments
            // (Stan's own draws.csv keeps its comment lines, as Stan's readers expect).
            for name in written where name.hasSuffix(".csv") && name != "fit/draws.csv" {
                let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
                let first = text.split(separator: "\n").first.map(String.init) ?? ""
                #expect(!first.hasPrefix("#") && first.contains(","), "\(command[0]) \(name) starts with '\(first)'")
            }
        }
    }
}
