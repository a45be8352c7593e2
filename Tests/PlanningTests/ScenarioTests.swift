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
            ("\nmodel: {lift_tests: lift.csv}", "not supported yet"),
            ("\nbudget: 5M", "unknown key 'budget'"),
        ]
        for (extra, fragment) in cases {
            let (_, e) = scenario(base + extra)
            #expect(e?.kind == .configuration, "\(extra)")
            #expect(e?.message.contains(fragment) == true, "\(extra): \(e?.message ?? "no error")")
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
