import ArgumentParser
import Foundation
import MediaModel
import Planning
import Sampling

/// `mixplan fit SCENARIO [--out DIR]`: fit the scenario's model and write draws, summary, channels.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit the scenario's media-mix model; write draws.csv, summary.csv and channels.csv."
    )

    @OptionGroup var options: ScenarioOptions

    func run() throws {
        try reportingErrors {
            let scenario = try options.load()
            let folder = options.outputFolder(for: scenario)
            try OutputFolder.check(folder)
            try Preflight.check(scenario)
            let fit = try fitWithProgress(scenario, quiet: options.quiet)
            let files = fit.files()
            let paths = try OutputFolder.write(files, to: folder)
            // So that `mixplan plan` on the same scenario reuses this fit instead of sampling again.
            FitCache.remember(fit, of: scenario, files: files)
            print(FitReport(fit).text)
            print("\nFiles: " + paths.joined(separator: ", "))
        }
    }
}

func fitWithProgress(_ scenario: Scenario, quiet: Bool) throws -> FitRun {
    let config = scenario.sampler
    let printer = ProgressPrinter(chains: config.chains, iterationsPerChain: config.warmup + config.draws,
                                  label: "sampling \(config.chains) chains", quiet: quiet)
    return try FitRun.run(scenario) { printer.update($0) }
}

/// The readable table `mixplan fit` prints.
struct FitReport {
    let fit: FitRun
    init(_ fit: FitRun) { self.fit = fit }

    var text: String {
        let data = fit.posterior.model.data
        let config = fit.scenario.sampler
        var out = "Fit: \(fit.scenario.name) — \(data.periods) periods (\(data.dates.first ?? "") to \(data.dates.last ?? "")), "
            + "\(data.channels.count) channels, \(config.chains) chains × \(config.draws) draws "
            + String(format: "(%.1f s)\n\n", fit.seconds)
        if let note = fit.scenario.model.trendNote(data) { out += note + "\n\n" }
        let kind = fit.scenario.data.targetKind
        let learned = fit.channels.contains { $0.priorNarrowed != nil }
        let rows = fit.channels.map { c in
            [c.channel, money(c.spend), money(c.contribution.mean),
             "[\(money(c.contribution.lower)) – \(money(c.contribution.upper))]",
             String(format: "%.2f", c.roas.mean), String(format: "[%.2f – %.2f]", c.roas.lower, c.roas.upper)]
                + (kind == .units ? [c.contribution.mean > 0 ? String(format: "%.4g", c.spend / c.contribution.mean) : "n/a"] : [])
                + (learned ? [PriorNarrowing.percent(c.priorNarrowed)] : [])
        }
        out += table(header: ["channel", "spend", "contribution", "90% band", kind.returnLabel, "90% band"]
                     + (kind == .units ? ["cost per unit"] : []) + (learned ? ["from data"] : []), rows: rows)
        if learned { out += "\n" + PriorNarrowing.note(fit.channels, quantity: kind == .revenue ? "ROAS" : "return per unit of spend") }
        let c = fit.convergence
        out += "\n\nConvergence: " + String(format: "max R-hat %.3f, min bulk ESS %.0f, min tail ESS %.0f, divergences %d, min E-BFMI %.2f",
                                           c.maxRHat, c.minBulkESS, c.minTailESS, c.divergences, c.minEBFMI)
        out += c.converged ? " — converged.\n" : "\n" + c.warnings.map { "WARNING: \($0)" }.joined(separator: "\n") + "\n"
        let k = fit.check
        out += String(format: "Fit check: R² %.3f, MAPE %@, %d of %d periods inside the 90%% predictive band (%.0f%%), Bayesian p-value %.2f",
                      k.rSquared, k.mape.isNaN ? "n/a" : String(format: "%.1f%%", 100 * k.mape), k.covered, k.periods,
                      100 * Double(k.covered) / Double(k.periods), k.bayesianPValue)
        out += GeoFitReport(fit).text
        let varying = fit.effectiveness
        if !varying.isEmpty {
            out += "\n\nTime-varying effects (multiplier on the channel's average effect; effectiveness.csv has every period):"
            for s in varying {
                let (low, high) = (s.trough, s.peak)
                let ahead = s.multiplier[s.observed...]
                out += String(format: "\n  %@: in the last year lowest %.2f (%@), highest %.2f (%@); the year after the data %.2f–%.2f",
                              s.channel, low.value, low.date, high.value, high.date,
                              ahead.map(\.mean).min() ?? 1, ahead.map(\.mean).max() ?? 1)
            }
            if fit.posterior.model.specification.timeVariation.intercept { out += "\n  baseline: drifts smoothly (in the fitted baseline)" }
        }
        if let comparison = fit.comparison { out += "\n\n" + familyComparisonText(comparison) }
        if !fit.liftTests.isEmpty {
            out += "\n\nLift tests (weekly; the fit is calibrated to them):\n"
            let rows = fit.liftTests.map { check in
                let t = check.test
                return [t.channel, "\(money(t.spend)) → \(money(t.spend + t.change))", "\(money(t.lift)) ± \(money(t.standardError))",
                        money(check.modelled.mean), "[\(money(check.modelled.lower)) – \(money(check.modelled.upper))]",
                        String(format: "%+.1f", check.standardizedGap)]
            }
            out += table(header: ["channel", "weekly spend", "measured lift", "model", "90% band", "gap (σ)"], rows: rows)
        }
        return out
    }
}


/// The family comparison `mixplan fit` prints when a family is `auto`.
func familyComparisonText(_ comparison: FamilyComparison) -> String {
    var out = "Curve families compared by PSIS-LOO (higher elpd_loo predicts left-out weeks better):\n"
    let rows = comparison.rows.map { r in
        [r.model, String(format: "%.1f", r.elpd), String(format: "%.1f", r.standardError),
         r.delta == 0 ? "0" : String(format: "%.1f ± %.1f", r.delta, r.deltaStandardError), String(format: "%.1f", r.effectiveParameters),
         String(format: "%.2f", r.stackingWeight), String(format: "%.2f", r.pseudoBMAWeight), r.badParetoK == 0 ? "" : "\(r.badParetoK) k̂ > \(String(format: "%.2f", comparison.paretoThreshold))",
         r.chosen ? "yes" : ""]
    }
    out += table(header: ["model", "elpd_loo", "se", "Δ (± se)", "p_loo", "stacking", "pseudo-BMA+", "warnings", "used"], rows: rows)
    out += "\n" + comparison.decision + (comparison.stacked
        ? "; the channel table above is over the mixed draws, the convergence and fit check lines (and summary.csv) are " + comparison.rows[0].model + "'s."
        : "; the tables above are " + comparison.rows[0].model + "'s.")
    if comparison.rows.contains(where: { $0.badParetoK > 0 }) {
        out += "\nWARNING: some weeks have k̂ above the threshold: their leave-one-out estimate is unreliable (influential weeks; check them or use likelihood: student_t)."
    }
    return out
}

/// For `mixplan plan` under `auto`: which curves the plan was made on ("" when the scenario names its families).
func curveFamilyNote(_ run: PlanRun) -> String {
    if let stack = run.posterior.stack {
        let failed = stack.unconverged.isEmpty ? "" : "; of these, \(stack.unconverged.joined(separator: ", ")) failed the convergence checks"
        return "; curves: the candidate families mixed (\(stack.summary) of the draws\(failed); fit/model_comparison.csv)"
    }
    guard run.scenario.model.choosesFamily else { return "" }
    let spec = run.posterior.model.specification
    return "; curves: \(spec.saturation.rawValue)+\(spec.adstock.rawValue), which dominates the comparison by PSIS-LOO (fit/model_comparison.csv)"
}
