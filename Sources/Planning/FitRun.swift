import Foundation
import MediaModel
import Sampling

/// A fitted scenario and everything `mixplan fit` reports about it.
public struct FitRun: Sendable {
    public let scenario: Scenario
    public let posterior: Posterior
    public let channels: [ChannelSummary]
    public let check: PredictiveCheck
    public let convergence: ConvergenceReport
    /// Each lift test of the scenario against the fitted model's answer (empty without tests).
    public let liftTests: [LiftTestCheck]
    /// Named quantities with their summaries, in draws-file order.
    public let summaries: [(name: String, summary: ParameterSummary)]
    public let seconds: Double
    /// Geo data: each (geo, channel) pair's contribution and ROAS, and each geo's fit check
    /// (both empty for national data).
    public let geos: [GeoChannelSummary]
    public let geoChecks: [GeoFitCheck]
    /// When a family was `auto`: the candidates compared by PSIS-LOO (this fit is then the best
    /// candidate's, and its scenario names that candidate's families).
    public var comparison: FamilyComparison? = nil

    /// Time-varying channels' multipliers over the data and the year after (empty when none varies).
    public let effectiveness: [EffectivenessSummary]

    /// Loads the data, builds the model and samples it.
    /// - Parameter dataset: the scenario's data when the caller already loaded it.
    public static func run(_ scenario: Scenario, dataset loaded: Dataset? = nil,
                           progress: (@Sendable (SamplingProgress) -> Void)? = nil) throws -> FitRun {
        let dataset = try loaded ?? DatasetLoader.load(scenario.data, minimumRows: 1)
        if scenario.model.choosesFamily { return try choosingFamily(scenario, dataset: dataset, progress: progress).fit }
        try DesignCheck.check(dataset, scenario: scenario)
        let model: MediaMixModel
        do { model = try MediaMixModel(data: dataset, specification: scenario.model.adapted(to: dataset)) } catch let error as ModelError {
            throw InputError(.configuration, "\(scenario.file): model: \(error.description)")
        }
        // Geo models have many parameters but G observations per period.
        let needed = max((model.dimension + 10 + dataset.geoCount - 1) / dataset.geoCount, 2 * scenario.model.maxLag)
        guard dataset.periods >= needed else {
            throw InputError(.data, "\(scenario.data.file): \(dataset.periods) rows; this model has \(model.dimension) parameters and needs at least \(needed) periods")
        }
        let start = Date()
        let posterior = try Posterior(model: model, configuration: scenario.sampler, progress: progress)
        return made(scenario, posterior: posterior, seconds: Date().timeIntervalSince(start))
    }

    /// The fit's summaries and checks, drawn from a posterior sampled now or read back from the cache.
    static func made(_ scenario: Scenario, posterior: Posterior, seconds: Double) -> FitRun {
        let quantities = posterior.quantities()
        let summaries = quantities.map { ($0.name, ParameterSummary(posterior.byChain($0.values))) }
        return FitRun(
            scenario: scenario, posterior: posterior, channels: posterior.channelSummaries(),
            check: posterior.predictiveCheck(seed: scenario.sampler.seed),
            convergence: ConvergenceReport(result: posterior.sampling, summaries: summaries.map(\.1)),
            liftTests: posterior.liftTestChecks(),
            summaries: summaries, seconds: seconds,
            geos: posterior.model.data.isGeo ? posterior.geoSummaries() : [],
            geoChecks: posterior.model.data.isGeo ? posterior.geoFitChecks(seed: scenario.sampler.seed) : [],
            effectiveness: posterior.effectivenessSummaries())
    }

    /// `draws.csv`, `summary.csv` and `channels.csv` as CONTRACT.md lays them out,
    /// `lift_tests.csv` when the scenario has lift tests, and the report (`report.json`, `report.html`).
    public func files() -> [(name: String, contents: String)] {
        [("draws.csv", drawsCSV()), ("summary.csv", summaryCSV()), ("channels.csv", channelsCSV())]
            + (liftTests.isEmpty ? [] : [("lift_tests.csv", liftTestsCSV())])
            + (geos.isEmpty ? [] : [("geos.csv", Self.geosCSV(geos))])
            + (comparison.map { [("model_comparison.csv", $0.csv())] } ?? [])
            + (effectiveness.isEmpty ? [] : [("effectiveness.csv", EffectivenessSummary.csv(effectiveness))])
            + ReportFile.files(Report.fit(self))
    }

    /// The lift-test file's columns, then the fitted model's lift for the same move (mean, p05,
    /// p95) and the gap in standard errors.
    func liftTestsCSV() -> String {
        var lines = [(LiftTestFile.columns + ["model_mean", "model_p05", "model_p95", "gap_sigmas"]).joined(separator: ",")]
        for check in liftTests {
            let model = [check.modelled.mean, check.modelled.lower, check.modelled.upper, check.standardizedGap].map(csvNumber)
            lines.append((LiftTestFile.cells(check.test) + model).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Stan's CSV layout (comment lines, then sampler columns and parameters as `name.k`), all
    /// chains in one file with a `chain__` column.
    func drawsCSV() -> String {
        let sampling = posterior.sampling
        let config = sampling.configuration
        var lines = [
            "# mixplan fit: \(scenario.name)",
            "# model = media-mix (\(scenario.model.adstock.rawValue) adstock, max_lag \(scenario.model.maxLag), \(scenario.model.saturation.rawValue) saturation)",
            "# chains = \(config.chains), num_warmup = \(config.warmup), num_samples = \(config.draws), seed = \(config.seed)",
            "# algorithm = hmc, engine = nuts, metric = \(config.metric.rawValue)_e, max_depth = \(config.maxTreeDepth), delta = \(config.targetAcceptance)",
            // Where the gradients went: warmup's share is what a better start or metric would save.
            "# gradient evaluations per chain (warmup/sampling): "
                + sampling.chains.map { "\($0.warmupGradientEvaluations)/\($0.samplingGradientEvaluations)" }.joined(separator: ", "),
            "# parameters before 'intercept' are on the model's internal scale (target / max|target|, spend / max spend);",
            "# intercept, beta.k and contribution.k are in the target's units; k follows data.channels: "
                + scenario.data.channels.enumerated().map { "\($0.offset + 1)=\($0.element)" }.joined(separator: ", "),
        ]
        let quantities = posterior.quantities()
        lines.append((TransitionInfo.columnNames + quantities.map(\.name) + ["chain__"]).joined(separator: ","))
        var row = 0
        for chain in sampling.chains {
            for info in chain.statistics {
                let values = info.values.map(csvNumber) + quantities.map { csvNumber($0.values[row]) } + [String(chain.chain + 1)]
                lines.append(values.joined(separator: ","))
                row += 1
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `geos.csv`: each (geo, channel) pair's spend, contribution and ROAS with 90% bands.
    static func geosCSV(_ geos: [GeoChannelSummary]) -> String {
        var lines = ["geo,channel,spend,contribution_mean,contribution_p05,contribution_p95,roas_mean,roas_p05,roas_p95"]
        for g in geos {
            lines.append([csvField(g.geo), csvField(g.channel), csvNumber(g.spend), csvNumber(g.contribution.mean),
                          csvNumber(g.contribution.lower), csvNumber(g.contribution.upper), csvNumber(g.roas.mean),
                          csvNumber(g.roas.lower), csvNumber(g.roas.upper)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func summaryCSV() -> String {
        var lines = ["parameter,mean,sd,p05,p50,p95,rhat,ess_bulk,ess_tail"]
        for (name, s) in summaries {
            lines.append([name, csvNumber(s.mean), csvNumber(s.sd), csvNumber(s.lower), csvNumber(s.median), csvNumber(s.upper),
                          csvNumber(s.rHat), csvNumber(s.essBulk), csvNumber(s.essTail)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func channelsCSV() -> String {
        var lines = ["channel,spend,contribution_mean,contribution_p05,contribution_p95,roas_mean,roas_p05,roas_p95"]
        for c in channels {
            lines.append([csvField(c.channel), csvNumber(c.spend), csvNumber(c.contribution.mean), csvNumber(c.contribution.lower),
                          csvNumber(c.contribution.upper), csvNumber(c.roas.mean), csvNumber(c.roas.lower), csvNumber(c.roas.upper)]
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The convergence verdict users read before trusting a fit.
public struct ConvergenceReport: Sendable, Codable {
    public var maxRHat: Double
    public var minBulkESS: Double
    public var minTailESS: Double
    public var divergences: Int
    public var draws: Int
    public var minEBFMI: Double
    public var maxTreeDepthHits: Int

    /// The verdict from a sampling result and the summaries of the quantities it is judged on.
    public init(result: SamplingResult, summaries: [ParameterSummary]) {
        maxRHat = summaries.map(\.rHat).filter { !$0.isNaN }.max() ?? .nan
        minBulkESS = summaries.map(\.essBulk).filter { !$0.isNaN }.min() ?? .nan
        minTailESS = summaries.map(\.essTail).filter { !$0.isNaN }.min() ?? .nan
        divergences = result.divergences
        draws = result.chains.reduce(0) { $0 + $1.drawCount }
        minEBFMI = result.ebfmi.min() ?? .nan
        maxTreeDepthHits = result.maxTreeDepthHits
    }

    /// Plain warnings for every threshold missed (R-hat > 1.01, ESS < 400, any divergence,
    /// E-BFMI < 0.3, draws at the maximum tree depth); empty when the fit converged.
    public var warnings: [String] {
        var out: [String] = []
        if !(maxRHat <= 1.01) { out.append(String(format: "max R-hat %.3f is above 1.01: chains disagree; run longer or check the model", maxRHat)) }
        if !(minBulkESS >= 400) { out.append(String(format: "min bulk ESS %.0f is below 400: too few effective draws for stable means", minBulkESS)) }
        if !(minTailESS >= 400) { out.append(String(format: "min tail ESS %.0f is below 400: the 5%%/95%% bands are unstable", minTailESS)) }
        if divergences > 0 {
            out.append("\(divergences) of \(draws) draws diverged: the posterior has regions the sampler could not follow; raise sampler.target_accept (e.g. 0.95) or simplify the model")
        }
        if !(minEBFMI >= 0.3) { out.append(String(format: "E-BFMI %.2f is below 0.3 in some chain: the energy is poorly explored", minEBFMI)) }
        if maxTreeDepthHits > 0 { out.append("\(maxTreeDepthHits) draws hit the maximum tree depth: sampling is inefficient (raise sampler.max_treedepth)") }
        return out
    }

    public var converged: Bool { warnings.isEmpty }
}
