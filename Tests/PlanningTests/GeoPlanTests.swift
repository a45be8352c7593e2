import BudgetOptimization
import Foundation
import Testing
@testable import Planning

/// `mixplan fit` and `mixplan plan` (with and without `plan.by_geo`) on the first five geos of
/// Meridian's public geo sample, as a user runs them; and the geo plan's optimality.
@Suite struct GeoPlanTests {
    let data = fixtures.appendingPathComponent("meridian_geo_media_5geos.csv").path

    func scenario(_ dir: URL, plan: String) -> String {
        write("""
            name: geo test
            data: {file: \(data), date: time, geo: geo, population: population, target: conversions, target_kind: units,
                   channels: [Channel0_spend, Channel1_spend, Channel2_spend, Channel3_spend],
                   controls: [competitor_activity_score_control, sentiment_score_control]}
            model: {adstock: {type: geometric, max_lag: 4}, saturation: hill, hierarchy: partial}
            sampler: {chains: 2, warmup: 200, draws: 200, seed: 3}
            plan: \(plan)
            """, "geo-\(plan.hashValue).yaml", in: dir)
    }

    func rows(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    @Test func fitAndPlansWriteTheGeoFiles() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = dir.appendingPathComponent("cache")
        let split = scenario(dir, plan: "{horizon: 13, budget: 2M}")
        let fit = try runMixPlan(["fit", split, "--out", dir.appendingPathComponent("fit").path, "--quiet"], cache: cache)
        #expect(fit.code == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("Geo ROAS") && fit.stdout.contains("Fit check per geo"), "\(fit.stdout)")
        let geos = try rows(dir.appendingPathComponent("fit/geos.csv"))
        #expect(geos.count == 5 * 4, "one row per (geo, channel) pair with spend")
        #expect(Set(geos.map { $0["geo"]! }) == ["Geo0", "Geo1", "Geo2", "Geo3", "Geo4"])
        // The national table is the geos' sum.
        let national = try rows(dir.appendingPathComponent("fit/channels.csv"))
        for channel in national {
            let name = channel["channel"]!
            let parts = geos.filter { $0["channel"] == name }
            let spend = parts.reduce(0.0) { $0 + Double($1["spend"]!)! }
            let contribution = parts.reduce(0.0) { $0 + Double($1["contribution_mean"]!)! }
            #expect(abs(spend - Double(channel["spend"]!)!) <= 1e-6 * spend)
            #expect(abs(contribution - Double(channel["contribution_mean"]!)!) <= 1e-6 * abs(contribution), "\(name)")
        }

        let bounded = scenario(dir, plan: "{horizon: 13, budget: 2M, by_geo: true, bounds: {Channel0_spend: [0, 300k]}, geo_bounds: {Geo0: [100k, 400k]}}")
        for (name, path) in [("split", split), ("by_geo", scenario(dir, plan: "{horizon: 13, budget: 2M, by_geo: true}")), ("bounded", bounded)] {
            let out = dir.appendingPathComponent(name)
            let run = try runMixPlan(["plan", path, "--out", out.path, "--quiet", "--allow-unconverged"], cache: cache)
            #expect(run.code == 0, "\(name): \(run.stderr)")
            #expect(run.stdout.contains("Per geo"), "\(run.stdout)")
            let pairs = try rows(out.appendingPathComponent("geos.csv"))
            #expect(pairs.count == 20)
            let total = pairs.reduce(0.0) { $0 + Double($1["spend"]!)! }
            #expect(abs(total - 2_000_000) <= 1e-6, "\(name): pairs spend \(total)")
            let plan = try rows(out.appendingPathComponent("plan.csv"))
            #expect(plan.count == 13 * 20 && plan.allSatisfy { $0["geo"] != nil }, "plan.csv: a geo column and a row per (period, geo, channel)")
            if name == "bounded" {
                let channel0 = pairs.filter { $0["channel"] == "Channel0_spend" }.reduce(0.0) { $0 + Double($1["spend"]!)! }
                let geo0 = pairs.filter { $0["geo"] == "Geo0" }.reduce(0.0) { $0 + Double($1["spend"]!)! }
                #expect(channel0 <= 300_000 * (1 + 1e-6), "Channel0 over its geos: \(channel0)")
                #expect(geo0 >= 100_000 * (1 - 1e-6) && geo0 <= 400_000 * (1 + 1e-6), "Geo0 over its channels: \(geo0)")
            }
            let summary = try rows(out.appendingPathComponent("summary.csv"))
            let channels = summary.filter { $0["channel"] != "TOTAL" }
            for c in channels {
                let inGeos = pairs.filter { $0["channel"] == c["channel"] }.reduce(0.0) { $0 + Double($1["spend"]!)! }
                #expect(abs(inGeos - Double(c["spend"]!)!) <= 1e-6 * max(inGeos, 1), "\(name) \(c["channel"]!)")
            }
        }
    }

    /// by_geo plans meet the first-order conditions across interior (geo, channel) pairs: every
    /// pair strictly inside its bounds has the same marginal return. (A pair left at zero is not
    /// checked: draws with a Hill slope below 1 give it an unbounded marginal at zero.)
    @Test func byGeoPlanSpendsTheBudgetAndMeetsKKT() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenario = try Scenario.load(path: scenario(dir, plan: "{horizon: 13, budget: 2M, by_geo: true, optimizer: slsqp}"))
        let fit = try FitRun.run(scenario)
        let fitted = FittedScenario(posterior: fit.posterior, files: [], reused: false, seconds: 0, convergence: fit.convergence)
        let run = try Planner.plan(scenario, fitted: fitted)
        let geo = try #require(run.geo)
        #expect(abs(geo.allocation.reduce(0, +) - 2_000_000) <= 1e-6)
        let o = geo.optimality
        #expect(!o.interior.isEmpty)
        #expect(o.interiorSpread < 1e-3, "interior pairs' marginals differ by \(o.interiorSpread)")
        // And the optimized split earns at least what the current split of the same totals does.
        #expect(geo.evaluation.objective >= run.current.objective * (1 - 1e-9))
    }

    @Test func fitCacheKeysTellHierarchiesApart() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let partial = try Scenario.load(path: scenario(dir, plan: "{horizon: 13}"))
        var pooled = partial
        pooled.model.hierarchy = .pooled
        #expect(try FitCache.key(partial) != FitCache.key(pooled))
    }

    /// Plan keys a geo plan cannot honour are refused before sampling: the cache stays empty and
    /// no folder is written.
    @Test func geoPlanKeysAreCheckedBeforeTheFit() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = dir.appendingPathComponent("cache")
        let cases = [
            ("{horizon: 13, budget: 2M, flighting: weekly}", "not supported with geo data"),
            ("{horizon: 13, budget: 2M, weekly_max: {Channel0_spend: 10k}}", "not supported with geo data"),
            ("{horizon: 13, budget: 2M, geo_bounds: {Geo0: [0, 1M]}}", "plan.geo_bounds: caps per geo need geo data and plan.by_geo: true"),
            ("{horizon: 13, budget: 2M, by_geo: true, geo_bounds: {Geo9: [0, 1M]}}", "plan.geo_bounds: unknown geo 'Geo9'"),
            ("{horizon: 13, budget: 2M, by_geo: true, geo_bounds: {Geo0: [1.5M, 2M], Geo1: [1M, 2M]}}", "the geos' minimums add up to 2,500,000, above the budget 2,000,000"),
            ("{horizon: 13, budget: 2M, by_geo: true, geo_bounds: {Geo0: [0, 100k], Geo1: [0, 100k], Geo2: [0, 100k], Geo3: [0, 100k], Geo4: [0, 100k]}}",
             "every geo is capped and the caps add up to 500,000, below the budget 2,000,000"),
        ]
        for (plan, fragment) in cases {
            let out = dir.appendingPathComponent("out")
            let result = try runMixPlan(["plan", scenario(dir, plan: plan), "--out", out.path, "--quiet"], cache: cache)
            #expect(result.code == 78 && result.stderr.contains(fragment), "\(plan): exit \(result.code): \(result.stderr)")
            #expect(files(in: cache).isEmpty, "\(plan): sampled before refusing")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(plan): wrote \(files(in: out))")
        }
    }

    @Test func byGeoAndGeoBoundsParseAndANonBooleanIsRefused() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let loaded = try Scenario.load(path: scenario(dir, plan: "{horizon: 13, geo_bounds: {Geo9: [0, 1M]}, by_geo: true}"))
        #expect(loaded.plan.byGeo && loaded.plan.geoBounds["Geo9"]?.max == 1_000_000)
        let bad = scenario(dir, plan: "{horizon: 13, by_geo: maybe}")
        let e = inputError { _ = try Scenario.load(path: bad) }
        #expect(e?.message.contains("plan.by_geo") == true && e?.message.contains("true or false") == true, "\(e?.message ?? "no error")")
    }
}
