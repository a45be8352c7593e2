import Foundation
import Testing
import MediaModel
@testable import Planning

@Suite struct ScenarioTests {
    func scenario(_ yaml: String) -> (Scenario?, InputError?) {
        let dir = temporaryFolder()
        let path = write(yaml, "s.yaml", in: dir)
        do { return (try Scenario.load(path: path), nil) } catch let e as InputError { return (nil, e) } catch { return (nil, nil) }
    }

    let base = """
        name: Q1 plan
        data:
          file: data/weekly.csv
          date: week
          target: revenue
          channels: [tv, search]
          controls: [price]
        """

    @Test func fullModelAndSamplerBlocks() throws {
        let (s, e) = scenario(base + """

            model:
              adstock: {type: delayed, max_lag: 6}
              saturation: logistic
              seasonality: {period: 52, order: 3}
              trend: none
              likelihood: student_t
              priors:
                tv: {roas: {mean: 2.0, sd: 0.5}, adstock: {beta: {a: 2, b: 2}}}
                sigma: {half_normal: {sd: 0.3}}
            sampler: {chains: 2, warmup: 300, draws: 200, seed: 9, target_accept: 0.9, metric: dense}
            plan: {horizon: 13}
            """)
        let sc = try #require(s, "\(e?.message ?? "")")
        #expect(sc.name == "Q1 plan")
        #expect(sc.data.file.hasSuffix("/data/weekly.csv") && sc.data.file.hasPrefix("/"))
        #expect(sc.model.adstock == .delayed && sc.model.maxLag == 6 && sc.model.saturation == .logistic)
        #expect(sc.model.seasonality == Seasonality(period: 52, order: 3) && sc.model.trend == .none)
        #expect(sc.model.likelihood == .studentT(degreesOfFreedom: 5))
        #expect(sc.model.priors.roas["tv"]?.mean == 2.0)
        #expect(sc.model.priors.channel["tv"]?["adstock"] == .beta(a: 2, b: 2))
        #expect(sc.model.priors.global["sigma"] == .halfNormal(sd: 0.3))
        #expect(sc.sampler.chains == 2 && sc.sampler.warmup == 300 && sc.sampler.seed == 9 && sc.sampler.metric == .dense)
    }

    /// Partial pooling across geos samples at target_accept 0.95 unless the scenario says otherwise;
    /// national data and the unpooled hierarchies keep Stan's 0.8.
    @Test func partialPoolingDefaultsToAHigherTargetAcceptance() throws {
        let geo = base.replacingOccurrences(of: "  date: week\n", with: "  date: week\n  geo: region\n")
        let cases: [(String, Double)] = [
            (geo, 0.95),
            (geo + "\nmodel: {hierarchy: partial}", 0.95),
            (geo + "\nsampler: {target_accept: 0.85}", 0.85),
            (geo + "\nmodel: {hierarchy: pooled}", 0.8),
            (geo + "\nmodel: {hierarchy: separate}", 0.8),
            (base, 0.8),
        ]
        for (yaml, expected) in cases {
            let (s, e) = scenario(yaml)
            let sc = try #require(s, "\(e?.message ?? "")")
            #expect(sc.sampler.targetAcceptance == expected, "\(yaml)")
        }
    }

    /// `model.time_varying`: channels by name or `all`, a drifting intercept, a higher default
    /// target_accept; unknown channels, bad values and geo data are refused by key.
    @Test func timeVaryingEffects() throws {
        let cases: [(String, TimeVariation, Double)] = [
            ("\nmodel: {time_varying: {media: [tv]}}", TimeVariation(media: .channels(["tv"])), 0.95),
            ("\nmodel: {time_varying: {media: all, intercept: true}}", TimeVariation(media: .all, intercept: true), 0.95),
            ("\nmodel: {time_varying: {intercept: true}}", TimeVariation(intercept: true), 0.9),
            ("\nmodel: {time_varying: {media: tv}}\nsampler: {target_accept: 0.85}", TimeVariation(media: .channels(["tv"])), 0.85),
            ("\nmodel: {time_varying: {media: none}}", TimeVariation(), 0.8),
            ("", TimeVariation(), 0.8),
        ]
        for (extra, expected, accept) in cases {
            let (s, e) = scenario(base + extra)
            let sc = try #require(s, "\(extra): \(e?.message ?? "")")
            #expect(sc.model.timeVariation == expected, "\(extra)")
            #expect(sc.sampler.targetAcceptance == accept, "\(extra)")
        }
        let refused: [(String, String)] = [
            ("\nmodel: {time_varying: {media: [tvv]}}", "model.time_varying.media: unknown channel 'tvv' (did you mean 'tv'?)"),
            ("\nmodel: {time_varying: {intercept: maybe}}", "model.time_varying.intercept"),
            ("\nmodel: {time_varying: {trend: true}}", "unknown key 'model.time_varying.trend'"),
        ]
        for (extra, fragment) in refused {
            let (_, e) = scenario(base + extra)
            #expect(e?.kind == .configuration, "\(extra)")
            #expect(e?.message.contains(fragment) == true, "\(extra): \(e?.message ?? "no error")")
        }
        let geo = base.replacingOccurrences(of: "  date: week\n", with: "  date: week\n  geo: region\n")
        let (_, e) = scenario(geo + "\nmodel: {time_varying: {media: [tv]}}")
        #expect(e?.kind == .configuration && e?.message.contains("model.time_varying: time-varying effects are not available for geo data") == true,
                "\(e?.message ?? "no error")")
    }

    @Test func unknownKeyNamesLineAndSuggests() {
        let (_, e) = scenario(base + "\nmodel:\n  saturaton: hill\n")
        #expect(e?.kind == .configuration)
        #expect(e?.message.contains("line 9") == true, "\(e?.message ?? "")")
        #expect(e?.message.contains("model.saturaton") == true)
        #expect(e?.message.contains("did you mean 'saturation'") == true)
    }

    @Test func badValuesAreExplained() {
        let cases: [(String, String)] = [
            ("\nmodel: {saturation: hil}", "did you mean 'hill'"),
            ("\nmodel: {adstock: {max_lag: 0}}", "expected 1 to 104"),
            ("\nsampler: {chains: zero}", "expected a whole number, got 'zero'"),
            ("\nsampler: {target_accept: 1.5}", "between 0 and 1"),
            ("\nmodel: {priors: {tvv: {roas: {mean: 1, sd: 1}}}}", "did you mean 'tv'"),
            ("\nmodel: {priors: {tv: {roas: {mean: -1, sd: 1}}}}", "must be positive"),
            ("\nmodel: {priors: {sigma: {cauchy: {scale: 1}}}}", "unknown distribution 'cauchy'"),
            ("\nbudget: 5M", "unknown key 'budget'"),
        ]
        for (extra, fragment) in cases {
            let (_, e) = scenario(base + extra)
            #expect(e?.kind == .configuration, "\(extra)")
            #expect(e?.message.contains(fragment) == true, "\(extra): \(e?.message ?? "no error")")
        }
    }

    @Test func liftTestFilesAreReadAndChecked() throws {
        let dir = temporaryFolder()
        let scenarioPath = write(base + "\nmodel: {lift_tests: tests/lift.csv}\n", "s.yaml", in: dir)
        func load(_ csv: String?) -> (Scenario?, InputError?) {
            let folder = dir.appendingPathComponent("tests")
            try? FileManager.default.removeItem(at: folder)
            if let csv {
                try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                _ = write(csv, "lift.csv", in: folder)
            }
            do { return (try Scenario.load(path: scenarioPath), nil) } catch let e as InputError { return (nil, e) } catch { return (nil, nil) }
        }
        let header = "channel,x,delta_x,delta_y,sigma\n"
        // Read relative to the scenario, columns in any order, with underscores in numbers.
        let (s, e) = load("sigma,channel,delta_y,x,delta_x\n2_000,tv,30_000,100_000,20_000\n500,search,-1500,40000,-10000\n")
        let tests = try #require(s, "\(e?.message ?? "")").model.liftTests
        #expect(tests == [LiftTest(channel: "tv", spend: 100_000, change: 20_000, lift: 30_000, standardError: 2_000),
                          LiftTest(channel: "search", spend: 40_000, change: -10_000, lift: -1_500, standardError: 500)])
        let cases: [(csv: String?, kind: InputError.Kind, fragments: [String])] = [
            (nil, .missingFile, ["tests/lift.csv", "named by model.lift_tests"]),
            (header, .data, ["no rows"]),
            ("channel,x,delta_x,delta_y\ntv,1,1,1\n", .data, ["line 1", "no column 'sigma'"]),
            (header + "tv,1000,100,50,10\ntvv,1000,100,50,10\n", .data, ["line 3, column 'channel'", "did you mean 'tv'"]),
            (header + "tv,1000,lots,50,10\n", .data, ["line 2, column 'delta_x'", "'lots' is not a finite number"]),
            (header + "tv,-5,100,50,10\n", .data, ["column 'x'", "negative"]),
            (header + "tv,1000,0,50,10\n", .data, ["column 'delta_x'", "must change the spend"]),
            (header + "tv,1000,-2000,50,10\n", .data, ["column 'delta_x'", "below zero"]),
            (header + "tv,1000,100,50,0\n", .data, ["column 'sigma'", "standard error > 0"]),
        ]
        for c in cases {
            let (_, e) = load(c.csv)
            #expect(e?.kind == c.kind, "\(c.csv ?? "missing"): \(e?.message ?? "no error")")
            for fragment in c.fragments { #expect(e?.message.contains(fragment) == true, "\(fragment): \(e?.message ?? "no error")") }
        }
    }

    @Test func yamlSyntaxErrorsGiveTheLine() {
        let (_, e) = scenario("data: [{file: x.csv\nmodel: {}\n")
        #expect(e?.kind == .configuration)
        #expect(e?.message.contains("not valid YAML") == true)
        #expect(e?.message.contains("line") == true)
    }

    @Test func missingScenarioFile() {
        let e = inputError { _ = try Scenario.load(path: "/nonexistent/s.yaml") }
        #expect(e?.kind == .missingFile)
    }
}
