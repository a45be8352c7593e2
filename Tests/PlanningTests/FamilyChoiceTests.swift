import Foundation
import Testing
import MediaModel
@testable import Simulation
import Sampling
@testable import Planning

/// `model.saturation: auto` and `model.adstock.type: auto`: how scenarios state them, the default
/// media priors scenarios get, and the choice itself on data simulated from a known family.
@Suite struct FamilyChoiceTests {
    func load(_ model: String, targetKind: String = "revenue") throws -> Scenario {
        let dir = temporaryFolder()
        let yaml = """
            name: t
            data: {file: d.csv, date: week, target: revenue, channels: [tv, search], target_kind: \(targetKind)}
            \(model)
            """
        return try Scenario.load(path: write(yaml, "s.yaml", in: dir))
    }

    @Test func aFamilyTheScenarioDoesNotNameIsChosen() throws {
        let none = try load("")
        #expect(none.model.chooseSaturation && none.model.chooseAdstock)
        #expect(none.model.candidates.count == 9)
        #expect(Set(none.model.candidates.map(\.adstock)) == Set(AdstockKind.allCases))
        let named = try load("model: {saturation: hill, adstock: {type: weibull, max_lag: 10}}")
        #expect(!named.model.choosesFamily && named.model.candidates.map(\.saturation) == [.hill])
        let half = try load("model: {saturation: auto, adstock: {max_lag: 10}}")
        #expect(half.model.chooseSaturation && half.model.chooseAdstock && half.model.maxLag == 10)
        let onlySaturation = try load("model: {saturation: auto, adstock: geometric}")
        #expect(onlySaturation.model.candidates.map(\.saturation) == ModelSpecification.saturationCandidates)
        #expect(onlySaturation.model.candidates.allSatisfy { $0.adstock == .geometric && !$0.choosesFamily })
    }

    @Test func averagingIsPseudoBMAUnlessTheScenarioSaysStacking() throws {
        #expect(try load("").model.averaging == .pseudoBMA)
        #expect(try load("model: {averaging: stacking}").model.averaging == .stacking)
        let wrong = inputError { _ = try load("model: {averaging: bma}") }
        #expect(wrong?.kind == .configuration && wrong?.message.contains("pseudo_bma, stacking") == true, "\(String(describing: wrong))")
    }

    /// Two candidates whose draws predict every week alike: the data cannot tell them apart, so
    /// pseudo-BMA+ splits the draws evenly and the plan mixes both; a third, worse at every week
    /// by 0.5 (Δelpd −20), gets no draws. The CSV carries both kinds of weight.
    @Test func indistinguishableCandidatesShareThePlan() {
        let weeks = 40
        let same: [[Double]] = (0..<200).map { d in (0..<weeks).map { i in -1 - 0.2 * sin(Double(i + d % 7)) } }
        let worse = same.map { $0.map { $0 - 0.5 } }
        let models = [(SaturationKind.hill, AdstockKind.geometric, same, 1.0), (.logistic, .geometric, same, 1.0),
                      (.michaelisMenten, .geometric, worse, 1.0)]
        let comparison = FamilyComparison(models: models.map { (saturation: $0.0, adstock: $0.1, logLikelihood: $0.2, relativeEfficiency: $0.3) })
        #expect(comparison.averaging == .pseudoBMA && comparison.stacked)
        let used = Dictionary(uniqueKeysWithValues: comparison.planWeights.map { ($0.model, $0.weight) })
        #expect(used.count == 2 && abs(used["hill+geometric"]! - 0.5) < 1e-9 && abs(used["logistic+geometric"]! - 0.5) < 1e-9, "\(used)")
        #expect(comparison.rows.last!.pseudoBMAWeight < 1e-6 && !comparison.rows.last!.chosen)
        #expect(comparison.decision.contains("pseudo-BMA+"))
        let header = comparison.csv().split(separator: "\n")[0]
        #expect(header == "model,elpd_loo,se,delta,weight,pareto_k_bad,chosen,stacking_weight,pseudo_bma_weight")
        // Under stacking the weights still sum to 1 and the worse model gets none.
        let stacked = FamilyComparison(models: models.map { (saturation: $0.0, adstock: $0.1, logLikelihood: $0.2, relativeEfficiency: $0.3) },
                                       averaging: .stacking)
        #expect(abs(stacked.rows.map(\.weight).reduce(0, +) - 1) < 1e-9 && stacked.rows.last!.weight < 1e-6)
        // Candidates that trade weeks: better in half, worse in the other. Stacking and
        // pseudo-BMA+ then disagree, and each setting must hand plans its own weights.
        let trading = same.map { draw in draw.enumerated().map { i, v in v + (i < weeks / 2 ? 0.3 : -0.35) } }
        let traded = [(SaturationKind.hill, AdstockKind.geometric, same, 1.0), (.logistic, .geometric, trading, 1.0)]
            .map { (saturation: $0.0, adstock: $0.1, logLikelihood: $0.2, relativeEfficiency: $0.3) }
        let byPseudoBMA = FamilyComparison(models: traded), byStacking = FamilyComparison(models: traded, averaging: .stacking)
        #expect(byPseudoBMA.rows.allSatisfy { $0.weight == $0.pseudoBMAWeight })
        #expect(byStacking.rows.allSatisfy { $0.weight == $0.stackingWeight })
        #expect(abs(byPseudoBMA.rows[0].weight - byStacking.rows[0].weight) > 0.01,
                "\(byPseudoBMA.rows.map(\.weight)) vs \(byStacking.rows.map(\.weight))")
        var named = comparison
        named.unconvergedInMix = ["logistic+geometric"]
        #expect(named.decision.hasSuffix("of these, logistic+geometric failed the convergence checks (longer chains would settle them)"))
    }

    @Test func defaultMediaPriorFollowsTheTargetKind() throws {
        #expect(try load("").model.mediaPrior == .roas(mu: 0.2, sigma: 0.9))
        #expect(try load("", targetKind: "units").model.mediaPrior == .mediaShare(mean: 0.4, sd: 0.2))
        // A stated default wins over the target kind's.
        let stated = try load("model: {priors: {roas: {lognormal: {mu: 0.5, sigma: 0.4}}}}", targetKind: "units")
        #expect(stated.model.mediaPrior == .roas(mu: 0.5, sigma: 0.4))
        let share = try load("model: {priors: {media_share: {mean: 0.3, sd: 0.1}}}")
        #expect(share.model.mediaPrior == .mediaShare(mean: 0.3, sd: 0.1))
        #expect(inputError { _ = try load("model: {priors: {media_share: {mean: 1.3, sd: 0.1}}}") }?.kind == .configuration)
        #expect(inputError { _ = try load("model: {priors: {roas: {gamma: {shape: 2, rate: 1}}}}") }?.message.contains("log-normal") == true)
    }

    /// Two channels, one strongly S-shaped (Hill slope 3): PSIS-LOO must prefer the Hill family
    /// to the two concave ones, write the comparison, and the plan must run on what it chose.
    @Test func looPrefersTheTrueSShapedFamily() throws {
        var truth = SimulationTruth(periods: 156, intercept: 1000, noise: 8, channels: [
            .init(name: "tv", weeklySpend: 100, effect: 600, alpha: 0.3, halfSaturation: 0.55, slope: 3),
            .init(name: "search", weeklySpend: 60, effect: 250, alpha: 0.2, halfSaturation: 0.5, slope: 3),
        ])
        truth.spendCorrelation = 0.2
        let history = truth.simulate(seed: 31)
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        write(history.csv, "d.csv", in: dir)
        let path = write("""
            name: s-curve
            data: {file: d.csv, date: week, target: revenue, channels: [tv, search]}
            model: {saturation: auto, adstock: geometric}
            sampler: {chains: 2, warmup: 300, draws: 300, seed: 4}
            plan: {horizon: 13}
            """, "s.yaml", in: dir)
        setenv("MIXPLAN_CACHE", dir.appendingPathComponent("cache").path, 1)
        let scenario = try Scenario.load(path: path)
        let fit = try FitRun.run(scenario)
        let comparison = try #require(fit.comparison)
        #expect(comparison.rows.count == 3)
        #expect(comparison.rows[0].saturation == .hill, "\(comparison.rows.map { ($0.model, $0.elpd, $0.standardError) })")
        #expect(fit.posterior.model.specification.saturation == .hill)
        // The channel table reports the draws plans use: the mix's when there is one.
        let roasDraws = fit.posterior.stack?.mixed { $0.roas(channel: 0) } ?? fit.posterior.roas(channel: 0)
        #expect(abs(fit.channels[0].roas.mean - roasDraws.reduce(0, +) / Double(roasDraws.count)) < 1e-9 * max(1, abs(fit.channels[0].roas.mean)))
        #expect(roasDraws.count == 600)
        // A mix of the best posterior with itself, each supplying every other draw: the table
        // then reads exactly those draws.
        var halved = fit.posterior
        halved.stack = PosteriorStack(components: [fit.posterior, fit.posterior], weights: [0.5, 0.5], drawCount: 600)
        let all = fit.posterior.roas(channel: 1), kept = halved.stack!.drawIndices
        let expected = (kept[0].map { all[$0] } + kept[1].map { all[$0] }).reduce(0, +) / 600
        #expect(kept[0].count == 300 && abs(halved.channelSummaries()[1].roas.mean - expected) < 1e-12 * max(1, abs(expected)))
        #expect(abs(comparison.rows.map(\.weight).reduce(0, +) - 1) < 1e-9)
        #expect(comparison.rows.first { $0.saturation == .michaelisMenten }!.delta < 0)
        let csv = try #require(fit.files().first { $0.name == "model_comparison.csv" }?.contents)
        #expect(csv.hasPrefix("model,elpd_loo,se,delta,weight,pareto_k_bad,chosen,stacking_weight,pseudo_bma_weight\nhill+geometric,"))
        // The plan reuses the three stored fits and plans on the chosen (or stacked) draws.
        let run = try Planner.run(scenario)
        #expect(run.fitReused)
        #expect(run.fitFiles.contains { $0.name == "model_comparison.csv" })
        #expect(run.problem.drawCount == 600)
        // Each channel's test runs where testCenter says, per period: the ranking's wiring (the
        // channel order of extrapolation, allocation and EVPPI, and the division by the horizon).
        let h = Double(scenario.plan.horizon)
        for e in run.experiments {
            let c = try #require(run.problem.channels.firstIndex(of: e.channel))
            let planned = PlanRun.isSliver(run.allocation[c], budget: run.problem.budget) ? 0 : run.allocation[c]
            let operating = max(run.allocation[c], run.currentAllocation[c])
            let expected = PlanRun.testCenter(planned: planned, operating: operating, seen: run.extrapolation[c], horizon: h) / h
            #expect(abs(e.spendPerPeriod - expected) <= 1e-9 * max(expected, 1), "\(e.channel): \(e.spendPerPeriod) vs \(expected)")
        }
        // Every channel here has a ROAS prior, so each has a contraction, at most 1.
        #expect(fit.channels.allSatisfy { ($0.priorNarrowed ?? 2) <= 1 })
    }
}
