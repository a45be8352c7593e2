import ArgumentParser
import Foundation
import GeoExperiment
import MediaModel
import Planning
import Sampling

/// `mixplan lift SCENARIO --channel CH --treated G1,G2 --from DATE --to DATE`: measure a geo
/// experiment with a synthetic control and write it as a lift test; `--design` plans one.
struct LiftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lift",
        abstract: "Measure a geo experiment (Bayesian synthetic control) and write it as a lift test; --design plans one.",
        discussion: """
            The scenario's data must be geo data (data.geo). The counterfactual of the treated geos is fitted on the \
            periods before --from from the other geos; the effect is actual − counterfactual from --from to --to \
            (plus --cooldown periods of carryover). Writes lift_analysis.csv and lift_test.csv (national-equivalent \
            weekly units, the format model.lift_tests reads). With --design: which geos to treat for a test of \
            --weeks periods changing spend by --change, and the smallest effect it would detect. A negative change \
            is written --change=-100%.
            """
    )

    @Argument(help: "The scenario file (YAML) with geo data.")
    var scenario: String

    @Option(help: "The channel whose spend the test changed.")
    var channel: String

    @Option(help: "Treated geos, separated by commas (e.g. g03,g07).")
    var treated: String?

    @Option(name: .customLong("from"), help: "First date of the test (YYYY-MM-DD).")
    var fromDate: String?

    @Option(name: .customLong("to"), help: "Last date of the test (YYYY-MM-DD), inclusive.")
    var toDate: String?

    @Option(help: "Periods after --to still measured, for the change's carryover (0: the carryover after the test is ignored).")
    var cooldown = 0

    @Flag(help: "Plan a test instead: suggest treated and control geos and the minimum detectable effect.")
    var design = false

    @Option(help: "With --design: the test's length in periods.")
    var weeks: Int?

    @Option(help: "With --design: the spend change, e.g. 50% or --change=-100% (off).")
    var change: String?

    @Option(help: "With --design: how many geos to treat (default: a quarter of them).")
    var treatedCount: Int?

    @Option(help: "Output folder (default: runs/<scenario name>-lift/).")
    var out: String?

    @Option(help: "Override the scenario's sampler seed.")
    var seed: UInt64?

    @Flag(help: "Silence progress on stderr.")
    var quiet = false

    func run() throws {
        try reportingErrors {
            var s = try Scenario.load(path: scenario)
            if let seed { s.sampler.seed = seed }
            if design { try runDesign(s) } else { try runAnalysis(s) }
        }
    }

    func runAnalysis(_ s: Scenario) throws {
        for (flag, value) in [("--design's --weeks", weeks.map(String.init)), ("--change", change), ("--treated-count", treatedCount.map(String.init))] where value != nil {
            throw InputError(.usage, "\(flag) plans a test and needs --design; to measure one, give --treated, --from and --to")
        }
        guard let treated else { throw InputError(.usage, "--treated: missing; name the treated geos, e.g. --treated g03,g07 (or plan a test with --design)") }
        guard let fromDate else { throw InputError(.usage, "--from: missing; give the test's first date (YYYY-MM-DD)") }
        guard let toDate else { throw InputError(.usage, "--to: missing; give the test's last date (YYYY-MM-DD)") }
        let folder = out ?? defaultFolder(s.name) + "-lift"
        try OutputFolder.check(folder)
        let request = LiftRequest(channel: channel, treated: treated.split(separator: ",", omittingEmptySubsequences: false)
                                    .map { $0.trimmingCharacters(in: .whitespaces) },
                                  from: fromDate, to: toDate, cooldown: cooldown)
        let config = s.sampler
        let printer = ProgressPrinter(chains: config.chains, iterationsPerChain: config.warmup + config.draws,
                                      label: "sampling \(config.chains) chains", quiet: quiet)
        let run = try LiftRun.run(s, request: request) { printer.update($0) }
        let paths = try OutputFolder.write(run.files(), to: folder)
        print(LiftReport(run).text)
        print("\nFiles: " + paths.joined(separator: ", "))
    }

    func runDesign(_ s: Scenario) throws {
        for (flag, value) in [("--treated", treated), ("--from", fromDate), ("--to", toDate)] where value != nil {
            throw InputError(.usage, "\(flag) measures a finished test; --design plans one (give --weeks and --change)")
        }
        guard let weeks else { throw InputError(.usage, "--weeks: missing; --design needs the test's length in periods, e.g. --weeks 8") }
        guard let text = change else { throw InputError(.usage, "--change: missing; --design needs the spend change, e.g. --change 50% or --change=-100%") }
        let negative = text.hasPrefix("-")
        let magnitude = negative || text.hasPrefix("+") ? String(text.dropFirst()) : text
        guard let share = parseShare(magnitude), share > 0, !(negative && share > 1) else {
            throw InputError(.usage, "--change '\(text)': expected a change of spend such as 50%, 0.5 or -100% (off), not 0 and not below -100%")
        }
        let run = try LiftDesignRun.run(s, channel: channel, weeks: weeks, change: negative ? -share : share,
                                        treatedCount: treatedCount, seed: s.sampler.seed)
        print(LiftDesignReport(run: run, scenario: s).text)
    }
}

/// What `mixplan lift` prints: the result in one sentence, the totals, the fit check, the lift test.
struct LiftReport {
    let run: LiftRun
    init(_ run: LiftRun) { self.run = run }

    var text: String {
        let a = run.analysis
        let kind = run.data.targetKind
        let target = run.data.targetName
        let effect = Band(a.effect)
        let where_ = "\(run.channel) in \(run.treatedNames.joined(separator: ", ")) from \(run.firstDate) to \(run.lastDate)"
        let measured = a.design.cooldown > 0 ? " (with \(a.design.cooldown) periods of carryover after it)" : ""
        var out = "\(where_)\(measured): \(signed(effect.mean)) \(target) for \(signed(a.incrementalSpend)) spend"
        let direction = a.incrementalSpend >= 0 ? ">" : "<"
        if let roas = a.roas {
            let b = Band(roas)
            out += String(format: ", incremental %@ %.2f [%.2f – %.2f], P(effect %@ 0) %.2f", kind.returnLabel, b.mean, b.lower, b.upper,
                          direction, a.probabilityChannelWorks)
        } else {
            out += String(format: " (the spend did not change: no incremental %@), P(effect > 0) %.2f", kind.returnLabel, a.probabilityPositive)
        }
        out += "\n\n"
        let rows: [[String]] = [
            ["incremental \(target)", money(effect.mean), "[\(money(effect.lower)) – \(money(effect.upper))]"],
            ["spend (treated geos)", money(a.spend), ""],
            ["counterfactual spend", money(a.counterfactualSpend), ""],
            ["incremental spend", money(a.incrementalSpend), ""],
        ] + (a.roas.map { roas in
            let b = Band(roas)
            return [["incremental \(kind.returnLabel)", String(format: "%.2f", b.mean), String(format: "[%.2f – %.2f]", b.lower, b.upper)]]
        } ?? [])
        out += table(header: ["over the test", "mean", "90% band"], rows: rows)
        let coverage = Double(a.preCovered) / Double(max(a.prePeriods, 1))
        out += String(format: "\n\nPre-period fit (%d periods before the test): MAPE %@, %d of %d periods inside the 90%% band (%.0f%%)",
                      a.prePeriods, a.preMAPE.isNaN ? "n/a" : String(format: "%.1f%%", 100 * a.preMAPE), a.preCovered, a.prePeriods,
                      100 * coverage)
        out += String(format: "\nSampler: max R-hat %.3f, min bulk ESS %.0f, divergences %d (%.1f s)", a.maxRHat, a.minBulkESS,
                      a.divergences, run.seconds)
        if a.maxRHat > 1.01 || a.divergences > 0 || a.minBulkESS < 400 {
            out += "\nWARNING: the counterfactual's sampler did not converge cleanly; rerun with more sampler.warmup and sampler.draws before trusting the band"
        }
        if coverage < 0.7 {
            out += "\nWARNING: the counterfactual tracked the treated geos poorly before the test; its band may be too narrow"
        }
        if let t = run.liftTest {
            let share = String(format: "%.1f%% of %@", 100 * a.treatedShare, a.shareFromPopulation ? "the population" : "the channel's pre-period spend")
            out += "\n\nLift test (national-equivalent weekly units: the treated geos' figures ÷ their share, \(share)):\n"
            out += table(header: ["channel", "x", "delta_x", "delta_y", "sigma"],
                         rows: [[t.channel, money(t.spend), money(t.change), money(t.lift), money(t.standardError)]])
        } else {
            out += "\n\nNo lift_test.csv: the treated geos' spend on \(run.channel) did not change by more than 5% in the window."
        }
        return out
    }
}

/// What `mixplan lift --design` prints.
struct LiftDesignReport {
    let run: LiftDesignRun
    let scenario: Scenario

    var text: String {
        let data = run.data
        guard let best = run.candidates.first else { return "No design found." }
        let kind = data.targetKind
        let names = { (c: DesignCandidate) in c.treated.map { data.geos[$0] }.joined(separator: ",") }
        var out = "Design for \(data.channels[run.channel]): \(run.weeks) periods, spend \(String(format: "%+.0f%%", 100 * run.change)) in \(best.treated.count) of \(data.geoCount) geos (seeded search, seed \(scenario.sampler.seed))\n\n"
        out += "Treat \(names(best)); keep the other \(data.geoCount - best.treated.count) geos as controls.\n"
        out += "Minimum detectable effect (5% one-sided test, 80% power): \(money(best.minimumDetectableEffect)) \(data.targetName) over the test"
        if let r = best.minimumDetectableROAS {
            out += String(format: " for %@ spend: an incremental %@ of %.2f", signed(best.spendChange), kind.returnLabel, r)
        }
        out += String(format: ".\nThe counterfactual's error on held-out %d-period windows: %@ (%.1f%% of the treated geos' %@).\n",
                      run.weeks, money(best.windowError), 100 * best.relativeError, data.targetName)
        out += "Designs are ranked by that error on an earlier held-out stretch (search); the error, MDE and \(kind.returnLabel) come from a later one (check), which the search did not see.\n\n"
        let rows = run.candidates.map { c in
            [names(c), money(c.selectionError), money(c.windowError), String(format: "%.1f%%", 100 * c.relativeError),
             money(c.minimumDetectableEffect), c.minimumDetectableROAS.map { String(format: "%.2f", $0) } ?? "n/a"]
        }
        out += table(header: ["treated geos", "error (search)", "error (check)", "relative", "MDE", "MDE \(kind.returnLabel)"], rows: rows)
        out += "\n\nThen run the test, and measure it with: mixplan lift \(scenario.file) --channel \(data.channels[run.channel]) --treated \(names(best)) --from DATE --to DATE"
        return out
    }
}
