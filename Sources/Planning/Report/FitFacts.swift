import Foundation
import MediaModel
import Sampling

/// What the fit's report states, from a fresh fit or from a posterior at hand (a plan that
/// reused a stored fit has the posterior but not the `FitRun`).
struct FitFacts {
    let scenario: Scenario
    let posterior: Posterior
    let channels: [ChannelSummary]
    let check: PredictiveCheck
    let convergence: ConvergenceReport
    let liftTests: [LiftTestCheck]
    let summaries: [(name: String, summary: ParameterSummary)]
    /// Time-varying channels' multipliers (empty when none varies).
    let effectiveness: [EffectivenessSummary]

    init(_ fit: FitRun) {
        scenario = fit.scenario; posterior = fit.posterior; channels = fit.channels; check = fit.check
        convergence = fit.convergence; liftTests = fit.liftTests; summaries = fit.summaries
        effectiveness = fit.effectiveness
    }

    /// The same figures `FitRun.run` computes, from the posterior.
    init(scenario: Scenario, posterior: Posterior) {
        self.scenario = scenario
        self.posterior = posterior
        channels = posterior.channelSummaries()
        check = posterior.predictiveCheck(seed: scenario.sampler.seed)
        summaries = posterior.quantities().map { ($0.name, ParameterSummary(posterior.byChain($0.values))) }
        convergence = ConvergenceReport(result: posterior.sampling, summaries: summaries.map(\.summary))
        liftTests = posterior.liftTestChecks()
        effectiveness = posterior.effectivenessSummaries()
    }

    var data: Dataset { posterior.model.data }

    /// "week" for data a week apart, "day", "month", else "period".
    var periodWord: String { Self.periodWord(data) }

    static func periodWord(_ data: Dataset) -> String {
        let days = data.dates.prefix(2).compactMap(DatasetLoader.isoDay)
        guard days.count == 2 else { return "period" }
        switch days[1] - days[0] {
        case 7: return "week"
        case 1: return "day"
        case 28...31: return "month"
        default: return "period"
        }
    }

    /// A parameter's name with its channel, e.g. "roas.1 (tv)".
    func label(_ name: String) -> String {
        let parts = name.split(separator: ".")
        guard parts.count == 2, let k = Int(parts[1]) else { return name }
        if name.hasPrefix("gamma."), k >= 1, k <= data.controlNames.count { return "\(name) (\(data.controlNames[k - 1]))" }
        if name.hasPrefix("season.") { return name }
        guard k >= 1, k <= data.channels.count else { return name }
        return "\(name) (\(data.channels[k - 1]))"
    }
}
