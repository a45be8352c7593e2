import BudgetOptimization
import Foundation
import MediaModel
import Simulation
import Planning
import Sampling

/// Settings of the decision study (`mixplan-bench --only decisions`).
struct DecisionStudySettings {
    var worlds = 40
    var seed: UInt64 = 11
    var chains = 2
    var warmup = 500
    var draws = 500
    /// The scenario's `plan.objective`, as YAML (`mean`, `{cvar: 0.1}`, `{cvar_uplift: 0.1}`…).
    var objective = "mean"
    /// Extra `model:` keys as YAML flow entries (e.g. `saturation: hill`), empty for the defaults.
    var model = ""
    /// Only worlds with these indices (for looking into one).
    var only: [Int]? = nil
    /// Per-channel ROAS lines under each world.
    var verbose = false
    /// A fit cache kept after the study (default: a temporary one, removed), so a second study
    /// with another objective reuses the fits.
    var cache: String? = nil
    /// A folder that keeps each world's data, scenario and lift tests after the study (default:
    /// a temporary folder, removed), for fitting a world again with `mixplan`.
    var keep: String? = nil
    /// Only worlds whose true saturation family differs visibly from the others (family gap above
    /// this, `SimulatedWorld.familyGap`), for judging the family choice where it can be judged;
    /// the gap needs no fit, so the others are skipped cheaply.
    var minimumFamilyGap: Double? = nil
    /// Print each world's family gap and fit nothing (how often the family can be told at all).
    var gapsOnly = false
    /// Worlds of one kind: seasonal, correlated spend or long, informative history (`--preset correlated|informative`; default: the varied mix).
    var preset: WorldPreset? = nil

    init(arguments: [String]) {
        func value(_ flag: String) -> String? {
            arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
        }
        if let v = value("--worlds").flatMap(Int.init) { worlds = v }
        if let v = value("--study-seed").flatMap(UInt64.init) { seed = v }
        if let v = value("--chains").flatMap(Int.init) { chains = v }
        if let v = value("--warmup").flatMap(Int.init) { warmup = v }
        if let v = value("--draws").flatMap(Int.init) { draws = v }
        if let v = value("--objective") { objective = v }
        if let v = value("--model") { model = v }
        verbose = arguments.contains("--verbose")
        cache = value("--cache")
        keep = value("--keep")
        minimumFamilyGap = value("--min-family-gap").flatMap(Double.init)
        gapsOnly = arguments.contains("--gaps-only")
        if let v = value("--world") { only = v.split(separator: ",").compactMap { Int($0) } }
        if let name = value("--preset") {
            preset = WorldPreset.all.first { $0.name == name }
            if preset == nil {
                FileHandle.standardError.write(Data("mixplan-bench: --preset '\(name)': expected \(WorldPreset.all.map(\.name).joined(separator: " or "))\n".utf8))
                exit(64)
            }
        }
    }
}

/// What one world's fit and plan scored against its truth.
struct WorldScore {
    var world: SimulatedWorld
    /// Mean over channels of |fitted mean ROAS − true ROAS| / true ROAS.
    var roasError: Double
    var channelsCovered: Int
    /// Mean over channels of |fitted − true| marginal ROAS at the current mix, relative to the
    /// larger of the true marginal and a tenth of the true ROAS; and how many bands cover it.
    var marginalError = 0.0
    var marginalCovered = 0
    var channels: Int
    var probabilityBetter: Double
    /// True revenue of the plan, the current mix and the oracle's plan (horizon and tail).
    var truePlan: Double
    var trueCurrent: Double
    var trueOracle: Double
    var seconds: Double
    var note: String
    /// Per channel: true ROAS, fitted mean, p05, p95; and the plan's and current mix's spend.
    var detail: [String] = []
    /// The saturation family of the fit plans were made with (the best by PSIS-LOO under `auto`),
    /// whether plans mixed several families' posteriors, and whether the comparison tells the true
    /// saturation family from the others clearly (|Δelpd| > max(4, 2 se) between the best
    /// candidate of the true family and the best of the others; nil without `auto`).
    var chosenSaturation = ""
    var mixed = false
    var familyVisible: Bool? = nil
    /// How visibly the true saturation family differs from the closest other one in this world's
    /// truth (`SimulatedWorld.familyGap`, the smaller over the other families; in log-likelihood units).
    var familyGap = 0.0
    /// The furthest the plan's weekly spend goes above the largest week the data has seen, over
    /// channels (`SpendExtrapolation.factor`; 0 when every channel stays at or below it).
    var extrapolationAbove = 0.0
    /// The study's short fit failed `mixplan fit`'s convergence checks and was fitted again as the
    /// refusal asks (4 chains × (1000 + 1000), target_accept 0.95 after divergences).
    var refit = false
    /// The fit still failed them: `mixplan plan` refuses to plan on it, so the tool's decision is
    /// the current mix. `truePlan` and `probabilityBetter` are then the plan it would have made
    /// with `--allow-unconverged`.
    var refused = false
    /// The plan moves less than 1% of the budget, so the tool says to keep the current mix and
    /// its P(plan better) is no claim (`PlanRun.keepsCurrentMix`).
    var keptCurrent = false

    /// What the tool's decision earns under the truth: the current mix's when it refused or said
    /// to keep the current mix.
    var trueDecision: Double { refused || keptCurrent ? trueCurrent : truePlan }

    var gainAvailable: Double { trueOracle - trueCurrent }
    /// Share of the oracle's uplift the plan captured (nil when there was almost nothing to gain).
    var captured: Double? { gainAvailable > 0.005 * trueCurrent ? (trueDecision - trueCurrent) / gainAvailable : nil }
    /// The plan (made or not) is worse than the current mix by more than rounding.
    var worse: Bool { truePlan < trueCurrent - 1e-6 * trueCurrent }
}

/// The decision study: seeded worlds with varied truths; each is fitted with the
/// defaults through the same path as `mixplan plan` (a scenario file over the world's CSV), its
/// next quarter planned at the last quarter's budget, and the plan scored against the true curves.
func benchDecisions(arguments: [String]) throws {
    let settings = DecisionStudySettings(arguments: arguments)
    let folder = settings.keep.map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("mixplan-decisions-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { if settings.keep == nil { try? FileManager.default.removeItem(at: folder) } }
    // The study's fits go to a cache of their own, never the user's.
    setenv("MIXPLAN_CACHE", settings.cache ?? folder.appendingPathComponent("cache").path, 1)

    print("""
        Decision study: \(settings.worlds) worlds (study seed \(settings.seed)\(settings.preset.map { ", preset \($0.name)" } ?? "")), sampler \(settings.chains) chains × \
        (\(settings.warmup) warmup + \(settings.draws) draws), plan objective \(settings.objective), \
        model \(settings.model.isEmpty ? "defaults" : "{\(settings.model)}"), horizon 13 at the last 13 weeks' budget

        """)
    let indices = settings.only ?? Array(0..<settings.worlds)
    if settings.gapsOnly {
        let gaps = try indices.map { i -> Double in
            let (world, history) = SimulatedWorld.draw(index: i, seed: settings.seed, preset: settings.preset).simulate()
            let gap = trueFamilyGap(world, history)
            if settings.keep != nil { _ = try writeWorld(world, history, settings: settings, folder: folder) }
            print(String(format: "%d | %@ | family gap %.1f", i, world.label, gap))
            return gap
        }
        print("\nfamily gap > 4 in \(gaps.filter { $0 > 4 }.count) of \(gaps.count) worlds; > 10 in \(gaps.filter { $0 > 10 }.count)")
        return
    }
    let header = ["world", "truth", "ROAS err", "in 90%", "P(better)", "true uplift", "oracle uplift", "captured", "s"]
    print(header.joined(separator: " | "))
    var scores: [WorldScore] = []
    var skipped = 0
    for i in indices {
        let (world, history) = SimulatedWorld.draw(index: i, seed: settings.seed, preset: settings.preset).simulate()
        let gap = trueFamilyGap(world, history)
        if let minimum = settings.minimumFamilyGap, gap <= minimum { skipped += 1; continue }
        let score = try studyWorld(world, history, familyGap: gap, settings: settings, folder: folder)
        scores.append(score)
        let cells = [String(i), score.world.label, pct(score.roasError), "\(score.channelsCovered)/\(score.channels)",
                     String(format: "%.2f", score.probabilityBetter),
                     pct((score.truePlan - score.trueCurrent) / score.trueCurrent),
                     pct(score.gainAvailable / score.trueCurrent),
                     score.captured.map { String(format: "%.2f", $0) } ?? "n/a", String(format: "%.0f", score.seconds)]
        print(cells.joined(separator: " | ") + (score.note.isEmpty ? "" : "  " + score.note))
        if settings.verbose { print(score.detail.joined(separator: "\n")) }
        // An interim summary, so a long study that has to be stopped still says something.
        if scores.count == 30 && indices.count > 30 { print("\n(interim) " + studySummary(scores)) }
        fflush(nil)
    }
    if let minimum = settings.minimumFamilyGap {
        print("\n\(skipped) of \(indices.count) worlds skipped: their true family gap is at most \(minimum)")
    }
    print("\n" + studySummary(scores))
}

/// How visibly the world's true saturation family differs from the closest other family.
func trueFamilyGap(_ world: SimulatedWorld, _ history: WorldHistory) -> Double {
    SaturationKind.allCases.filter { $0 != world.saturation }.map { world.familyGap(to: $0, history: history) }.min() ?? 0
}

/// Writes a world's `data.csv`, `lift.csv` (when it has lift tests), `truth.csv` and
/// `scenario.yaml` into `folder/world-i`; returns the scenario's path and text.
func writeWorld(_ world: SimulatedWorld, _ history: WorldHistory, settings: DecisionStudySettings, folder: URL) throws -> (path: String, yaml: String) {
    let dir = folder.appendingPathComponent("world-\(world.index)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let data = history.dataset
    var csv = (["week", "revenue"] + data.channels).joined(separator: ",") + "\n"
    for t in 0..<data.periods {
        csv += ([data.dates[t], "\(data.target[t])"] + data.spend.map { String(format: "%.0f", $0[t]) }).joined(separator: ",") + "\n"
    }
    try Data(csv.utf8).write(to: dir.appendingPathComponent("data.csv"))
    var modelKeys = settings.model.isEmpty ? [] : [settings.model]
    if !history.liftTests.isEmpty {
        let lines = ["channel,x,delta_x,delta_y,sigma"] + history.liftTests.map {
            "\($0.channel),\($0.spend),\($0.change),\($0.lift),\($0.standardError)"
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("lift.csv"))
        modelKeys.append("lift_tests: lift.csv")
    }
    let yaml = """
        name: world \(world.index)
        data: {file: data.csv, date: week, target: revenue, channels: [\(data.channels.joined(separator: ", "))]}
        \(modelKeys.isEmpty ? "" : "model: {\(modelKeys.joined(separator: ", "))}")
        sampler: {chains: \(settings.chains), warmup: \(settings.warmup), draws: \(settings.draws), seed: \(world.index + 1)}
        plan:
          horizon: 13
          objective: \(settings.objective)
        """
    let path = dir.appendingPathComponent("scenario.yaml").path
    try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
    // The truth beside the data, for fitting the world with another tool and scoring it.
    let truth = ["channel,true_roas"] + zip(data.channels, history.roas).map { "\($0),\($1)" }
    try Data((truth.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("truth.csv"))
    return (path, yaml)
}

/// Fits, plans and scores one simulated world (`familyGap`: its `trueFamilyGap`).
func studyWorld(_ world: SimulatedWorld, _ history: WorldHistory, familyGap gap: Double, settings: DecisionStudySettings,
                folder: URL) throws -> WorldScore {
    let (path, yaml) = try writeWorld(world, history, settings: settings, folder: folder)
    let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
    let data = history.dataset

    let start = Date()
    var scenario = try Scenario.load(path: path)
    var fitted = try Planner.fit(scenario)
    // `mixplan plan` refuses a fit that fails its convergence checks and says what to change:
    // longer chains, and a higher target_accept after divergences. The study does what a user
    // would, once; a fit that still fails leaves the tool with no plan (the current mix stays).
    var refit = false
    if !fitted.convergence.converged {
        let accept = fitted.convergence.divergences > 0 ? ", target_accept: 0.95" : ""
        let longer = yaml.replacingOccurrences(
            of: "sampler: {chains: \(settings.chains), warmup: \(settings.warmup), draws: \(settings.draws), seed: \(world.index + 1)}",
            with: "sampler: {chains: 4, warmup: 1000, draws: 1000, seed: \(world.index + 1)\(accept)}")
        precondition(longer != yaml, "the refit must change the scenario's sampler line")
        let retry = dir.appendingPathComponent("scenario-refit.yaml").path
        try Data(longer.utf8).write(to: URL(fileURLWithPath: retry))
        scenario = try Scenario.load(path: retry)
        fitted = try Planner.fit(scenario)
        refit = true
    }
    let refused = !fitted.convergence.converged
    let run = try Planner.plan(scenario, fitted: fitted)
    let seconds = Date().timeIntervalSince(start)

    // ROAS against the truth over the history.
    let trueROAS = history.roas
    var errors: [Double] = [], covered = 0, detail: [String] = []
    for c in data.channels.indices {
        // The ROAS of the draws the plan used: the mix's when plans mix families.
        let draws = run.posterior.stack?.mixed { $0.roas(channel: c) } ?? run.posterior.roas(channel: c)
        let s = Spread(draws, interval: 0.90)
        errors.append(abs(s.mean - trueROAS[c]) / trueROAS[c])
        if s.lower <= trueROAS[c] && trueROAS[c] <= s.upper { covered += 1 }
        // How much the data narrowed the ROAS prior: 1 − var(log ROAS | data) / var(log ROAS) (0: the
        // posterior is the prior; 1: the data pinned it).
        var learned = Double.nan
        if case .logNormal(_, let sigma)? = run.posterior.model.roasPrior(channel: c) {
            learned = posteriorContraction(draws, priorLogSD: sigma) ?? .nan
        }
        detail.append(String(format: "    %@: true ROAS %.2f, fitted %.2f [%.2f – %.2f] (prior narrowed %.2f); plan %@ vs current %@", data.channels[c],
                             trueROAS[c], s.mean, s.lower, s.upper, learned, money(run.allocation[c]), money(run.currentAllocation[c])))
    }

    // The plan, the current mix and the best plan, each judged on the true curves.
    let truth = world.trueResponses(horizon: run.problem.drawCount > 0 ? scenario.plan.horizon : 13, history: history)
    let trueProblem = try PlanProblem(channels: data.channels, responses: truth, budget: run.problem.budget,
                                        lower: run.problem.lower, upper: run.problem.upper)
    func trueRevenue(_ plan: [Double]) -> Double { PlanEvaluation(trueProblem, plan: plan).total.mean }
    // Marginal ROAS at the current mix (the next quarter's last dollar, flat): what the data's
    // spend variation informs directly, unlike the ROAS over the history, which also needs the
    // curve's shape down to zero spend.
    let fittedMarginal = PlanEvaluation(run.problem, plan: run.currentAllocation).channels.map(\.marginalROAS)
    let trueMarginal = PlanEvaluation(trueProblem, plan: run.currentAllocation).channels.map(\.marginalROAS.mean)
    var marginalErrors: [Double] = [], marginalCovered = 0
    for c in data.channels.indices {
        let s = fittedMarginal[c], truth = trueMarginal[c]
        // Relative to the larger of the true marginal and a tenth of the true ROAS, so a channel
        // saturated to nearly nothing does not divide by zero.
        marginalErrors.append(abs(s.mean - truth) / max(truth, 0.1 * trueROAS[c]))
        if s.lower <= truth && truth <= s.upper { marginalCovered += 1 }
        let w = world.appliedWeights[c], meanLag = w.indices.reduce(0) { $0 + Double($1) * w[$1] } / w.reduce(0, +)
        detail[c] += String(format: "; marginal ROAS at the current mix true %.2f, fitted %.2f [%.2f – %.2f]; true mean lag %.1f",
                            truth, s.mean, s.lower, s.upper, meanLag)
    }
    let planValue = trueRevenue(run.allocation), currentValue = trueRevenue(run.currentAllocation)
    var oracleValue = max(planValue, currentValue)
    var note = ""
    for start in [run.currentAllocation, run.allocation] {
        if let (oracle, _) = try? PlanOptimizer(choice: .auto, seed: 1).optimize(trueProblem, start: start) {
            oracleValue = max(oracleValue, trueRevenue(oracle))
        }
    }
    if !run.fitReused, let warnings = try? convergenceNote(run) { note = warnings }
    if refit {
        note += (note.isEmpty ? "" : "; ") + (refused ? "refused: not converged after a refit (\(fitted.convergence.warnings.count) checks failed)"
                                                      : "refit 4 × (1000 + 1000) converged")
    }
    if run.keepsCurrentMix {
        note += (note.isEmpty ? "" : "; ") + "keeps the current mix (moves \(run.movedShareLabel) of the budget)"
    }
    let furthestAbove = run.extrapolation.filter(\.above).max(by: { $0.factor < $1.factor })
    if let above = furthestAbove {
        note += (note.isEmpty ? "" : "; ") + String(format: "%@ %.2f× above the data", above.channel, above.factor)
    }
    var visible: Bool? = nil
    if let comparison = fitted.comparison {
        let rows = comparison.rows
        let trueFamily = world.saturation
        note += (note.isEmpty ? "" : "; ") + "LOO: \(rows[0].model)\(comparison.stacked ? " (mixed)" : "")"
        if let other = rows[0].saturation == trueFamily ? rows.first(where: { $0.saturation != trueFamily })
            : rows.first(where: { $0.saturation == trueFamily }) {
            // Differences under 4 in elpd are small whatever their se (Vehtari et al., LOO FAQ).
            visible = abs(other.delta) > max(4, 2 * other.deltaStandardError)
            if visible == true {
                note += String(format: ", separated: %@ %.1f ± %.1f behind", other.model, -other.delta, other.deltaStandardError)
            }
        }
        note += String(format: "; family gap in the truth %.1f", gap)
    }
    return WorldScore(world: world, roasError: errors.reduce(0, +) / Double(errors.count), channelsCovered: covered,
                      marginalError: marginalErrors.reduce(0, +) / Double(marginalErrors.count), marginalCovered: marginalCovered,
                      channels: errors.count, probabilityBetter: run.uplift.probabilityBetter, truePlan: planValue,
                      trueCurrent: currentValue, trueOracle: oracleValue, seconds: seconds, note: note, detail: detail,
                      chosenSaturation: run.posterior.model.specification.saturation.rawValue, mixed: run.posterior.stack != nil,
                      familyVisible: visible, familyGap: gap,
                      extrapolationAbove: furthestAbove?.factor ?? 0,
                      refit: refit, refused: refused, keptCurrent: run.keepsCurrentMix)
}

/// A short flag when the fit did not converge (so a bad score can be told from a bad fit).
func convergenceNote(_ run: PlanRun) throws -> String {
    let summaries = (0..<run.posterior.model.parameters.count).map { run.posterior.sampling.summary(ofCoordinate: $0) }
    let rHat = summaries.map(\.rHat).filter { !$0.isNaN }.max() ?? .nan
    let divergences = run.posterior.sampling.divergences
    var flags: [String] = []
    if rHat > 1.05 { flags.append(String(format: "R-hat %.2f", rHat)) }
    if divergences > 0 { flags.append("\(divergences) divergent") }
    return flags.joined(separator: ", ")
}
