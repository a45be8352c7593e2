import Foundation
import Sampling
import Testing
@testable import Planning

/// A stored fit is read back, not computed again: its draws from the binary file to the same
/// bits, its verdict, family comparison and files from its record.
@Suite struct StoredFitTests {
    let data = fixtures.appendingPathComponent("mmm_example.csv").path

    func scenario(_ dir: URL, model: String) -> String {
        write("""
            name: stored fit
            data: {file: \(data), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}
            model: \(model)
            sampler: {chains: 2, warmup: 150, draws: 150, seed: 5}
            plan: {horizon: 8, budget: 4.13}
            """, "s.yaml", in: dir)
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
        if model.contains("auto") {
            #expect(third.stdout.contains("curves:"), "the stored comparison names the families: \(third.stdout)")
        }
    }
}
