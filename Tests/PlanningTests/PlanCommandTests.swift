import Foundation
import Testing
@testable import Planning

/// `mixplan plan` run as a user runs it, on PyMC-Marketing's example data.
@Suite struct PlanCommandTests {
    let data = fixtures.appendingPathComponent("mmm_example.csv").path

    func scenario(_ dir: URL, data: String? = nil, plan: String = "{horizon: 13, budget: 4.13, bounds: {x1: [0.5, 4], x2: [0.2, 3]}}",
                  whatIf: String = "[{name: shift, move: {amount: 0.5, from: x1, to: x2}}]", extra: String = "") -> String {
        write("""
            name: plan test
            data: {file: \(data ?? self.data), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}
            model: {adstock: {type: geometric, max_lag: 8}, saturation: logistic, trend: none}
            sampler: {chains: 2, warmup: 150, draws: 150, seed: 5}
            plan: \(plan)
            what_if: \(whatIf)
            \(extra)
            """, "s.yaml", in: dir)
    }

    func rows(_ url: URL) throws -> [[String: String]] {
        // Outputs of an unconverged fit (these small test fits) start with a `#` note.
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    @Test func planFilesHoldTheContract() throws {
        let dir = temporaryFolder()
        let cache = dir.appendingPathComponent("cache")
        let path = scenario(dir)
        let a = try runMixPlan(["plan", path, "--out", dir.appendingPathComponent("a").path, "--quiet", "--allow-unconverged"], cache: cache)
        #expect(a.code == 0, "\(a.stderr)")
        #expect(a.stdout.contains("Against the current mix") && a.stdout.contains("P(plan better)") && a.stdout.contains("Optimality"))
        // Same scenario and seed: the second run reuses the fit and writes the same bytes.
        let b = try runMixPlan(["plan", path, "--out", dir.appendingPathComponent("b").path, "--quiet", "--allow-unconverged"], cache: cache)
        #expect(b.stdout.contains("reused"))
        // The reports too: a reused fit's report is drawn again from its posterior, to the same bytes.
        for name in ["summary.csv", "plan.csv", "whatif.csv", "experiments.csv", "fit/draws.csv", "fit/summary.csv", "report.json", "report.html", "fit/report.html"] {
            let x = try Data(contentsOf: dir.appendingPathComponent("a/\(name)")), y = try Data(contentsOf: dir.appendingPathComponent("b/\(name)"))
            #expect(x == y, "\(name) differs")
        }
        let summary = try rows(dir.appendingPathComponent("a/summary.csv"))
        #expect(summary.map { $0["channel"]! } == ["x1", "x2", "TOTAL"])
        let spend = summary.dropLast().map { Double($0["spend"]!)! }
        #expect(abs(spend.reduce(0, +) - 4.13) <= 1e-9 * 4.13)
        #expect(spend[0] >= 0.5 - 1e-12 && spend[0] <= 4 + 1e-12 && spend[1] >= 0.2 - 1e-12 && spend[1] <= 3 + 1e-12)
        for r in summary {
            let lo = Double(r["revenue_p05"]!)!, mean = Double(r["revenue_mean"]!)!, hi = Double(r["revenue_p95"]!)!
            #expect(lo <= mean && mean <= hi, "\(r["channel"]!): \(lo) ≤ \(mean) ≤ \(hi)")
        }
        // extrapolation, the last column: the plan's weekly spend against the data's weekly range.
        let header = try String(contentsOf: dir.appendingPathComponent("a/summary.csv"), encoding: .utf8)
            .split(separator: "\n").first { !$0.hasPrefix("#") }!
        #expect(header.hasSuffix(",mroas_p95,extrapolation"))
        let weekly = try rows(URL(fileURLWithPath: data))
        var factors: [Double] = []
        for (c, name) in ["x1", "x2"].enumerated() {
            let seen = weekly.map { Double($0[name]!)! }, planned = spend[c] / 13
            let expected = planned > seen.max()! * (1 + 1e-9) ? planned / seen.max()! : planned < seen.min()! * (1 - 1e-9) ? seen.min()! / planned : 0
            let written = Double(summary[c]["extrapolation"]!)!
            #expect(abs(written - expected) <= 1e-9 * max(expected, 1), "\(name): \(written) vs \(expected)")
            factors.append(written)
        }
        #expect(Double(summary[2]["extrapolation"]!)! == factors.max()!, "TOTAL carries the largest")
        #expect(a.stdout.contains("Extrapolation") && a.stdout.contains("Where the next experiment should go"))
        let experiments = try rows(dir.appendingPathComponent("a/experiments.csv"))
        #expect(Set(experiments.map { $0["channel"]! }) == ["x1", "x2"])
        let evppi = experiments.map { Double($0["evppi"]!)! }, shares = experiments.map { Double($0["evppi_share"]!)! }
        #expect(evppi.allSatisfy { $0 >= 0 } && evppi == evppi.sorted(by: >), "ranked, most valuable first: \(evppi)")
        #expect(abs(shares.reduce(0, +) - 1) <= 1e-9 || shares.allSatisfy { $0 == 0 }, "\(shares)")
        for e in experiments { #expect(e["suggested_test"]!.contains(e["channel"]!), "\(e)") }
        let plan = try rows(dir.appendingPathComponent("a/plan.csv"))
        #expect(plan.count == 13 * 2)
        #expect(plan.first?["date"] == "2021-09-06", "the period after the data's last week")
        let x1 = plan.filter { $0["channel"] == "x1" }.map { Double($0["spend"]!)! }.reduce(0, +)
        #expect(abs(x1 - spend[0]) <= 1e-9)
        let whatIf = try rows(dir.appendingPathComponent("a/whatif.csv"))
        #expect(whatIf.count == 1 && whatIf[0]["name"] == "shift")
        let p = Double(whatIf[0]["prob_better"]!)!
        #expect(p >= 0 && p <= 1)
    }

    /// Each bad input: exit code, a fragment of the message, and no output file.
    static let badInputs: [(name: String, code: Int32, fragment: String)] = [
        ("missing file", 66, "no such file"),
        ("header-only CSV", 65, "no data rows"),
        ("text in a number", 65, "is not a number"),
        ("NaN", 65, "not a finite number"),
        ("negative spend", 65, "is negative"),
        ("unsorted dates", 65, "sorted by date"),
        ("duplicate dates", 65, "appears twice"),
        ("unknown column", 65, "no column 'x3'"),
        ("YAML syntax error", 78, "not valid YAML"),
        ("unknown key", 78, "did you mean 'horizon'"),
        ("unknown channel in bounds", 78, "unknown channel 'x9'"),
        ("minimums above the budget", 78, "below the sum of the channel minimums"),
        ("unparseable amount", 78, "is not an amount"),
        ("what-if to itself", 78, "to itself"),
        ("what-if beyond the channel's spend", 78, "the largest possible move is"),
        ("bad --budget", 64, "is not an amount"),
    ]

    @Test(arguments: badInputs.map(\.name))
    func badInputFailsWithNoOutput(name: String) throws {
        let dir = temporaryFolder()
        let out = dir.appendingPathComponent("out")
        var lines = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n").map(String.init)
        func csv(_ l: [String]) -> String { write(l.joined(separator: "\n"), "d.csv", in: dir) }
        func cell(_ row: Int, _ column: Int, _ value: String) {
            var f = lines[row].split(separator: ",").map(String.init); f[column] = value; lines[row] = f.joined(separator: ",")
        }
        var extraArguments: [String] = []
        let path: String
        switch name {
        case "missing file": path = scenario(dir, data: dir.appendingPathComponent("none.csv").path)
        case "header-only CSV": path = scenario(dir, data: csv([lines[0]]))
        case "text in a number": cell(20, 2, "ten"); path = scenario(dir, data: csv(lines))
        case "NaN": cell(20, 1, "NaN"); path = scenario(dir, data: csv(lines))
        case "negative spend": cell(20, 3, "-1"); path = scenario(dir, data: csv(lines))
        case "unsorted dates": lines.swapAt(20, 21); path = scenario(dir, data: csv(lines))
        case "duplicate dates": lines[21] = lines[20]; path = scenario(dir, data: csv(lines))
        case "unknown column": path = scenario(dir).replacingOccurrences(of: "", with: "")
            _ = write(try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "[x1, x2]", with: "[x1, x3]")
                .replacingOccurrences(of: "{x1: [0.5, 4], x2: [0.2, 3]}", with: "{}").replacingOccurrences(of: "to: x2", with: "to: x3"), "s.yaml", in: dir)
        case "YAML syntax error": path = write("data: [{file: x.csv\nplan: {}\n", "s.yaml", in: dir)
        case "unknown key": path = scenario(dir, plan: "{horizn: 13}")
        case "unknown channel in bounds": path = scenario(dir, plan: "{budget: 4, bounds: {x9: [0, 1]}}")
        case "minimums above the budget": path = scenario(dir, plan: "{budget: 1, bounds: {x1: [0.8, 4], x2: [0.5, 3]}}")
        case "unparseable amount": path = scenario(dir, plan: "{budget: lots}")
        case "what-if to itself": path = scenario(dir, whatIf: "[{move: {amount: 1, from: x1, to: x1}}]")
        case "what-if beyond the channel's spend": path = scenario(dir, whatIf: "[{move: {amount: 100, from: x1, to: x2}}]")
        case "bad --budget": path = scenario(dir); extraArguments = ["--budget", "a lot"]
        default: Issue.record("unknown case"); return
        }
        let expected = Self.badInputs.first { $0.name == name }!
        let result = try runMixPlan(["plan", path, "--out", out.path, "--quiet", "--allow-unconverged"] + extraArguments, cache: dir.appendingPathComponent("cache"))
        #expect(result.code == expected.code, "\(name): exit \(result.code): \(result.stderr)")
        #expect(result.stderr.contains(expected.fragment), "\(name): \(result.stderr)")
        #expect(files(in: out).isEmpty, "\(name) left \(files(in: out))")
    }

    @Test func whatIfAndFrontierCommands() throws {
        let dir = temporaryFolder()
        let cache = dir.appendingPathComponent("cache")
        let path = scenario(dir)
        let w = try runMixPlan(["whatif", path, "--move", "$0.25", "--from", "x1", "--to", "x2", "--out", dir.appendingPathComponent("w").path, "--quiet", "--allow-unconverged"], cache: cache)
        #expect(w.code == 0, "\(w.stderr)")
        let whatIf = try rows(dir.appendingPathComponent("w/whatif.csv"))
        #expect(whatIf.count == 1)
        // Moving money off the optimum cannot help on average.
        #expect(Double(whatIf[0]["revenue_delta_mean"]!)! <= 1e-9)
        let bad = try runMixPlan(["whatif", path, "--move", "1", "--from", "x1", "--to", "x1", "--out", dir.appendingPathComponent("w2").path, "--quiet", "--allow-unconverged"], cache: cache)
        #expect(bad.code == 64 && bad.stderr.contains("to itself"))
        let f = try runMixPlan(["frontier", path, "--steps", "5", "--out", dir.appendingPathComponent("f").path, "--quiet", "--allow-unconverged"], cache: cache)
        #expect(f.code == 0, "\(f.stderr)")
        let frontier = try rows(dir.appendingPathComponent("f/frontier.csv"))
        #expect(frontier.count == 5)
        let revenue = frontier.map { Double($0["revenue_mean"]!)! }, mroas = frontier.map { Double($0["mroas_mean"]!)! }
        // More budget, more revenue, at a falling marginal return.
        #expect(zip(revenue, revenue.dropFirst()).allSatisfy { $0 < $1 })
        #expect(zip(mroas, mroas.dropFirst()).allSatisfy { $0 >= $1 - 1e-9 })
        // Its report is the plan's with the frontier drawn, every chart with marks.
        let page = try String(contentsOf: dir.appendingPathComponent("f/report.html"), encoding: .utf8)
        #expect(page.contains("<section id=\"frontier\"") && page.contains("<section id=\"recommendation\""))
        #expect(BrowserReportTests.charts(in: page).allSatisfy { $0.marks > 0 })
    }

    @Test func severalScenariosAreCompared() throws {
        let dir = temporaryFolder()
        let a = scenario(dir)
        let bDir = dir.appendingPathComponent("b")
        try FileManager.default.createDirectory(at: bDir, withIntermediateDirectories: true)
        let b = write(try String(contentsOfFile: a, encoding: .utf8).replacingOccurrences(of: "name: plan test", with: "name: bigger")
            .replacingOccurrences(of: "budget: 4.13", with: "budget: 6"), "s.yaml", in: bDir)
        let r = try runMixPlan(["plan", a, b, "--out", dir.appendingPathComponent("out").path, "--quiet", "--allow-unconverged"], cache: dir.appendingPathComponent("cache"))
        #expect(r.code == 0, "\(r.stderr)")
        let comparison = try rows(dir.appendingPathComponent("out/comparison.csv"))
        #expect(comparison.map { $0["scenario"]! } == ["plan test", "bigger"])
        #expect(Double(comparison[1]["revenue_mean"]!)! > Double(comparison[0]["revenue_mean"]!)!)
    }
}
