import Foundation
import Sampling
import Testing
@testable import Planning

/// A stored fit is read back, not computed again: its draws from the binary file to the same
/// bits, its verdict, family comparison and files from its record.
@Suite struct StoredFitTests {
    let data = fixtures.appendingPathComponent("mmm_example.csv").path

    func scenario(_ dir: URL, model: String, horizon: Int = 8, file: String = "s.yaml") -> String {
        write("""
            name: stored fit
            data: {file: \(data), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}
            model: \(model)
            sampler: {chains: 2, warmup: 150, draws: 150, seed: 5}
            plan: {horizon: \(horizon), budget: 4.13}
            """, file, in: dir)
    }

    @Test func theBinaryPosteriorReadsBackToTheSameBits() throws {
        let stats = (0..<3).map { i in
            TransitionInfo(logDensity: -Double(i) - 0.1, acceptStat: 0.9, stepSize: 0.3, treeDepth: 3, leapfrogSteps: 7, divergent: i == 1, energy: 1.5)
        }
        let chains = [ChainResult(chain: 0, dimension: 2, draws: [1, .pi, -0.0, 1e-300, 5, .ulpOfOne], statistics: stats, stepSize: 0.3),
                      ChainResult(chain: 1, dimension: 2, draws: [2, 3, 4, 5, 6, 7], statistics: stats, stepSize: 0.25)]
        let data = PosteriorFile.encode(chains)
        let back = try #require(PosteriorFile.decode(data, dimension: 2))
        #expect(back.map(\.chain) == [0, 1] && back.map(\.stepSize) == [0.3, 0.25])
        #expect(zip(back, chains).allSatisfy { a, b in a.draws.map(\.bitPattern) == b.draws.map(\.bitPattern) && a.statistics == b.statistics })
        // Another dimension, a cut file or another format is a miss, not a trap.
        #expect(PosteriorFile.decode(data, dimension: 3) == nil)
        #expect(PosteriorFile.decode(data.prefix(data.count - 8), dimension: 2) == nil)
        #expect(PosteriorFile.decode(Data("chain,lp__\n".utf8), dimension: 2) == nil)
        // A tree depth that is not a whole number in range (here NaN) is a miss too.
        var broken = [UInt8](data)
        let depth = 8 + 4 * 8 + 3 * 8  // magic, the first chain's header, then draw 0's fourth statistic
        withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { for (k, b) in $0.enumerated() { broken[depth + k] = b } }
        #expect(PosteriorFile.decode(Data(broken), dimension: 2) == nil)
    }

    /// The verdict a plan prints on a stored fit is the stored one: a record edited by hand
    /// (12,345 divergences) shows through, which a verdict computed from the draws would not.
    @Test(arguments: ["{saturation: logistic, adstock: geometric}", "{saturation: auto, adstock: geometric}"])
    func aPlanOnAStoredFitReadsWhatTheFitComputed(model: String) throws {
        let dir = temporaryFolder()
        let cache = dir.appendingPathComponent("cache")
        let path = scenario(dir, model: model)
        let first = try runMixPlan(["plan", path, "--out", dir.appendingPathComponent("a").path, "--quiet", "--allow-unconverged"], cache: cache)
        #expect(first.code == 0, "\(first.stderr)")
        let second = try runMixPlan(["plan", path, "--out", dir.appendingPathComponent("b").path, "--quiet", "--allow-unconverged"], cache: cache)
        #expect(second.code == 0 && second.stdout.contains("reused"), "\(second.stdout)\(second.stderr)")
        // The stored run writes the same files, the fit's included.
        let names = files(in: dir.appendingPathComponent("a"))
        #expect(names == files(in: dir.appendingPathComponent("b")))
        for name in names where !name.hasSuffix("/") && name.contains(".") {
            let x = try Data(contentsOf: dir.appendingPathComponent("a/\(name)")), y = try Data(contentsOf: dir.appendingPathComponent("b/\(name)"))
            #expect(x == y, "\(name) differs")
        }
        // Every record under the cache says 12,345 divergences now.
        let records = (FileManager.default.enumerator(atPath: cache.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(FitRecord.name) }
        #expect(records.count == (model.contains("auto") ? 4 : 1), "\(records)")
        for record in records {
            let url = cache.appendingPathComponent(record)
            let text = try String(contentsOf: url, encoding: .utf8)
            let edited = text.replacingOccurrences(of: #""divergences":[0-9]+"#, with: #""divergences":12345"#, options: .regularExpression)
            #expect(edited != text, "\(record) holds no divergence count")
            try edited.write(to: url, atomically: true, encoding: .utf8)
        }
        let third = try runMixPlan(["plan", path, "--out", dir.appendingPathComponent("c").path, "--quiet", "--allow-unconverged"], cache: cache)
        #expect(third.code == 0 && third.stdout.contains("12345 of"), "\(third.stdout)\(third.stderr)")
        // What the record does not cover is made again: another model averaging for an `auto`
        // choice, another horizon for the report's response curves.
        if model.contains("auto") {
            let other = scenario(dir, model: model.replacingOccurrences(of: "}", with: ", averaging: stacking}"), file: "stacking.yaml")
            let r = try runMixPlan(["plan", other, "--out", dir.appendingPathComponent("d").path, "--quiet", "--allow-unconverged"], cache: cache)
            #expect(r.code == 0 && r.stdout.contains("reused") && !r.stdout.contains("12345"), "\(r.stdout)\(r.stderr)")
        }
        let longer = scenario(dir, model: model, horizon: 6, file: "longer.yaml")
        let r = try runMixPlan(["plan", longer, "--out", dir.appendingPathComponent("e").path, "--quiet", "--allow-unconverged"], cache: cache)
        #expect(r.code == 0 && r.stdout.contains("reused") && !r.stdout.contains("12345"), "\(r.stdout)\(r.stderr)")
    }

    /// `mixplan fit` under `auto` stores the choice where `plan` looks for it, under the
    /// scenario's own key, and leaves each candidate's files as that candidate's fit wrote them.
    @Test func fitThenPlanUnderAutoReadsTheStoredChoice() throws {
        let dir = temporaryFolder()
        let cache = dir.appendingPathComponent("cache")
        let path = scenario(dir, model: "{saturation: auto, adstock: geometric}")
        let fit = try runMixPlan(["fit", path, "--out", dir.appendingPathComponent("f").path, "--quiet"], cache: cache)
        #expect(fit.code == 0, "\(fit.stderr)")
        let records = (FileManager.default.enumerator(atPath: cache.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(FitRecord.name) }
        #expect(records.count == 4, "\(records)")
        var withComparison = 0
        for record in records {
            let url = cache.appendingPathComponent(record)
            let text = try String(contentsOf: url, encoding: .utf8)
            if text.contains("\"comparison\"") { withComparison += 1 }
            try text.replacingOccurrences(of: #""divergences":[0-9]+"#, with: #""divergences":12345"#, options: .regularExpression)
                .write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(withComparison == 1, "only the choice carries the comparison")
        let plan = try runMixPlan(["plan", path, "--out", dir.appendingPathComponent("p").path, "--quiet", "--allow-unconverged"], cache: cache)
        #expect(plan.code == 0 && plan.stdout.contains("reused") && plan.stdout.contains("12345 of"), "\(plan.stdout)\(plan.stderr)")
    }
}
