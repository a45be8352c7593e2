import BudgetOptimization
import Foundation
import MediaModel
import Simulation
import Planning
import Sampling

/// Geo fits on simulated regional data (partial pooling, Hill curves, geometric carryover):
/// 24 geos × 104 weeks × 4 channels and 40 geos × 156 weeks × 5 channels, 4 chains × (1000 + 1000).
/// Prints wall time, convergence, ESS per second, max RSS and how often the true national ROAS
/// falls in its 90% band. With `peers` given (as `make bench` does) and the peers' Python environment
/// present, PyMC-Marketing's geo MMM fits the same simulated history afterwards
/// (Benchmarks/peers/pymc_geo_fit.py) and both are printed side by side.
func benchGeo(peers: String?, seed: UInt64 = 1, targetAcceptance: Double? = nil) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mixplan-bench-geo-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    for (geos, weeks, channels) in [(24, 104, 4), (40, 156, 5)] {
        let names = ["tv", "search", "social", "youtube", "display"]
        var truth = HierarchicalGeoTruth(geos: geos, periods: weeks, channels: (0..<channels).map { c in
            .init(name: names[c], weeklySpend: [300_000, 150_000, 100_000, 80_000, 50_000][c],
                  effect: [1_200_000, 500_000, 300_000, 260_000, 120_000][c], alpha: [0.6, 0.2, 0.35, 0.5, 0.25][c],
                  halfSaturation: [0.5, 0.4, 0.5, 0.6, 0.4][c], slope: [1.5, 1.0, 1.2, 1.3, 1.0][c], tau: 0.25)
        }, intercept: 6_000_000, noise: 150_000)
        truth.seasonalAmplitude = 400_000
        truth.trend = 300_000
        let history = truth.simulate(seed: UInt64(geos))
        let csv = folder.appendingPathComponent("geo-\(geos).csv")
        try Data(history.csv.utf8).write(to: csv)
        let model = try MediaMixModel(data: history.dataset, specification: ModelSpecification())
        var config = SamplerConfiguration()
        config.seed = seed
        // What `mixplan fit` uses for this data (partial pooling, no target_accept in the scenario).
        config.targetAcceptance = targetAcceptance ?? SamplerConfiguration.partialPoolingTargetAcceptance
        let start = Date()
        let posterior = try Posterior(model: model, configuration: config)
        let seconds = Date().timeIntervalSince(start)
        let result = posterior.sampling
        let summaries = (0..<model.dimension).map { result.summary(ofCoordinate: $0) }
        let minBulk = summaries.map(\.essBulk).min() ?? .nan, minTail = summaries.map(\.essTail).min() ?? .nan
        let maxRHat = summaries.map(\.rHat).max() ?? .nan
        // The verdict `mixplan fit` prints: every reported quantity, constrained parameters included.
        let named = posterior.quantities().map { ($0.name, ParameterSummary(posterior.byChain($0.values))) }
        let verdict = ConvergenceReport(result: result, summaries: named.map(\.1))
        let worst = named.max { $0.1.rHat < $1.1.rHat }.map { "\($0.0) \(String(format: "%.4f", $0.1.rHat))" } ?? "-"
        let inside = history.roas.indices.filter { c in
            let s = posterior.roas(channel: c).sorted()
            return s[s.count / 20] <= history.roas[c] && history.roas[c] <= s[s.count * 19 / 20]
        }.count
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("""
            Geo fit, \(geos) geos × \(weeks) weeks × \(channels) channels (simulated, partial pooling), 4 chains × (1000 + 1000), \(model.dimension) parameters, sampler seed \(seed), target_accept \(config.targetAcceptance):
              sampling \(f(seconds)) s on \(ProcessInfo.processInfo.activeProcessorCount) cores, min bulk ESS \(f(minBulk)), min tail ESS \(f(minTail)), \
            max R-hat \(String(format: "%.4f", maxRHat)), divergences \(result.divergences)
              \(f(minBulk / seconds)) ESS/s, mean leapfrog steps per draw \(f(Double(result.samplingLeapfrogSteps) / Double(4 * 1000))), \
            max RSS \(f(Double(usage.ru_maxrss) / 1024)) MB
              true national ROAS inside the 90% band: \(inside) of \(channels)
              mixplan fit's check over every reported quantity: worst R-hat \(worst); \(verdict.converged ? "converged" : "NOT converged: " + verdict.warnings.joined(separator: "; "))
            """)
        let mixplan = GeoFitFigures(seconds: seconds, essBulk: minBulk, maxRSSMB: Double(usage.ru_maxrss) / 1024)
        runPyMCGeo(peers: peers, csv: csv.path, channels: history.dataset.channels, folder: folder, mixplan: mixplan)
        // The budget over every (geo, channel) pair across all draws, as plan.by_geo does it, on one core.
        let curves: [any ChannelResponse] = posterior.pairCurves(horizon: 13)
        let recent = model.rows.map { history.dataset.spend(geo: $0.geo, channel: $0.channel).suffix(13).reduce(0, +) }
        let budget = recent.reduce(0, +)
        let problem = try PlanProblem(channels: model.rows.map { "\($0.geo)/\($0.channel)" }, responses: curves, budget: budget)
        let clock = Date()
        let (plan, report) = try PlanOptimizer(choice: .slsqp, seed: 1).optimize(problem, start: recent)
        let optimizeSeconds = Date().timeIntervalSince(clock)
        let gain = PlanEvaluation(problem, plan: plan).total.mean / PlanEvaluation(problem, plan: recent).total.mean - 1
        print("""
              plan.by_geo optimizer: \(model.rows.count) (geo, channel) variables × \(posterior.drawCount) draws, \(String(format: "%.2f", optimizeSeconds)) s \
            (\(report.notices.first ?? report.method)); expected media revenue \(String(format: "%+.1f%%", 100 * gain)) over the current split

            """)
    }
}

/// The by_geo optimizer alone at a regional planner's size, on synthetic posterior draws (no fit): 40 geos ×
/// 5 channels of Hill curves with geometric carryover, 4000 draws each, a quarter's budget.
func benchGeoOptimizer() throws {
    var rng = SeededGenerator(seed: 41)
    let geos = 40, channels = 5, draws = 4000, horizon = 13
    var curves: [any ChannelResponse] = [], current: [Double] = []
    for g in 0..<geos {
        let size = exp(0.8 * rng.normal())
        for c in 0..<channels {
            let alpha = (0..<draws).map { _ in min(max(0.3 + 0.2 * Double(c) / 5 + 0.08 * rng.normal(), 0.01), 0.95) }
            let weights = alpha.map { a in (0..<8).map { pow(a, Double($0)) } }.map { w in w.map { $0 / w.reduce(0, +) } }
            let parameters = (0..<draws).map { _ in [exp(log(0.5) + 0.3 * rng.normal()), exp(0.2 + 0.3 * rng.normal())] }
            let beta = (0..<draws).map { _ in size * 100_000 * Double(channels - c) * exp(0.3 * rng.normal()) }
            curves.append(ResponseCurve(channel: "c\(c)", saturation: .hill, horizon: horizon, spendScale: size * 50_000,
                                        adstockWeights: weights, beta: beta, parameters: parameters))
            current.append(size * 20_000 * Double(horizon) * (1 + 0.5 * rng.uniform()))
        }
        _ = g
    }
    let budget = current.reduce(0, +)
    let problem = try PlanProblem(channels: (0..<(geos * channels)).map { "pair\($0)" }, responses: curves, budget: budget)
    for choice in [OptimizerChoice.slsqp, .auto] {
        let clock = Date(), cpu = processCPUSeconds()
        let (plan, report) = try PlanOptimizer(choice: choice, seed: 1).optimize(problem, start: current)
        let wall = Date().timeIntervalSince(clock), used = processCPUSeconds() - cpu
        let before = PlanEvaluation(problem, plan: current).total.mean, after = PlanEvaluation(problem, plan: plan).total.mean
        print("by_geo optimizer (\(choice)), \(geos * channels) variables × \(draws) draws (synthetic curves): \(String(format: "%.2f", wall)) s wall, "
              + "\(String(format: "%.2f", used)) s CPU, \(report.slsqpEvaluations) SLSQP evaluations, \(report.status); "
              + "expected revenue \(String(format: "%+.4f%%", 100 * (after / before - 1))) over the start, KKT spread across interior pairs "
              + String(format: "%.1e", OptimalityReport(problem, plan: plan, gradient: PlanEvaluation(problem, plan: plan).objectiveGradient).interiorSpread)
              + "; \(report.notices.joined(separator: "; "))")
    }
    print("")
}

/// The 40-geo model's gradient: time per call and its costliest operations (no sampling).
func benchGeoGradient() throws {
    let names = ["tv", "search", "social", "youtube", "display"]
    let truth = HierarchicalGeoTruth(geos: 40, periods: 156, channels: (0..<5).map { c in
        .init(name: names[c], weeklySpend: 100_000, effect: 400_000, alpha: 0.5, halfSaturation: 0.5, slope: 1.2, tau: 0.25)
    }, intercept: 6_000_000, noise: 150_000)
    let model = try MediaMixModel(data: truth.simulate(seed: 40).dataset, specification: ModelSpecification())
    let s = gradientSeconds(model)
    print(String(format: "Gradient, 40 geos × 156 weeks × 5 channels (%d parameters): %.1f µs per call; the costliest operations:", model.dimension, s * 1e6))
    let costs = model.profileOperations(calls: 300, clock: processCPUSeconds).sorted { $0.forward + $0.backward > $1.forward + $1.backward }
    for (name, f, b) in costs.prefix(8) {
        print(String(format: "  %-24@ forward %7.1f µs, backward %7.1f µs", name as NSString, f * 1e6, b * 1e6))
    }
    print("")
}

/// MixPlan's figures for one geo fit, for the ratios against the peer.
struct GeoFitFigures {
    /// Warmup + sampling wall time, seconds.
    var seconds: Double
    /// Smallest bulk ESS over the sampled coordinates.
    var essBulk: Double
    /// Peak resident memory of the bench process so far, MB.
    var maxRSSMB: Double
}

/// PyMC-Marketing's multidimensional MMM (dims=("geo",)) on the same long CSV, 4 chains × (1000 + 1000),
/// 2 chains at a time, stopped after MIXPLAN_PEER_TIMEOUT seconds (default 600). Prints one line
/// when skipped, timed out or failed.
func runPyMCGeo(peers: String?, csv: String, channels: [String], folder: URL, mixplan: GeoFitFigures) {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let script = root.appendingPathComponent("Benchmarks/peers/pymc_geo_fit.py").path
    defer { fflush(nil) }
    guard peers != nil else { print("  PyMC-Marketing geo MMM: skipped (no --peers given)"); return }
    let venv = ProcessInfo.processInfo.environment["MIXPLAN_PEERS_VENV"]
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/mixplan-peers").path
    guard FileManager.default.isExecutableFile(atPath: venv + "/bin/python") else {
        print("  PyMC-Marketing geo MMM: skipped (no Python environment at \(venv))"); return
    }
    let limit = ProcessInfo.processInfo.environment["MIXPLAN_PEER_TIMEOUT"].flatMap(Double.init) ?? 600
    let outPath = folder.appendingPathComponent("pymc-geo.json").path, errPath = folder.appendingPathComponent("pymc-geo.log").path
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    guard let out = FileHandle(forWritingAtPath: outPath), let err = FileHandle(forWritingAtPath: errPath) else {
        print("  PyMC-Marketing geo MMM: failed (cannot write to \(folder.path))"); return
    }
    defer { try? out.close(); try? err.close() }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: venv + "/bin/python")
    p.arguments = [script, csv, "--channels", channels.joined(separator: ","), "--saturation", "hill",
                   "--chains", "4", "--tune", "1000", "--draws", "1000", "--seed", "1", "--cores", "2"]
    p.standardOutput = out
    p.standardError = err
    let done = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in done.signal() }
    fflush(nil)  // all streams: MixPlan's figures show while the peer runs, which can take many minutes
    let start = Date()
    do { try p.run() } catch {
        print("  PyMC-Marketing geo MMM: failed to start (\(error))"); return
    }
    if done.wait(timeout: .now() + limit) == .timedOut {
        // The script leads its own process group, so this also ends its chain workers.
        kill(-p.processIdentifier, SIGTERM); kill(p.processIdentifier, SIGTERM)
        if done.wait(timeout: .now() + 10) == .timedOut {
            kill(-p.processIdentifier, SIGKILL); kill(p.processIdentifier, SIGKILL)
            done.wait()
        }
        let bound = limit > mixplan.seconds
            ? "; MixPlan's fit was at least \(String(format: "%.1f", limit / mixplan.seconds))× faster in wall time" : ""
        print("  PyMC-Marketing geo MMM: timed out after \(f(limit)) s (MIXPLAN_PEER_TIMEOUT)\(bound)"); return
    }
    let wall = Date().timeIntervalSince(start)
    let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    guard let line = text.split(separator: "\n").last,
          let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
          let sampling = json["sampling_seconds"] as? Double, let ess = json["ess_bulk_min"] as? Double else {
        let log = ((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "").split(separator: "\n").last ?? ""
        print("  PyMC-Marketing geo MMM: failed (exit \(p.terminationStatus)): \(log)"); return
    }
    let total = json["total_fit_seconds"] as? Double ?? .nan
    let rss = max(json["max_rss_mb"] as? Double ?? .nan, json["max_rss_children_mb"] as? Double ?? .nan)
    let rHat = (json["rhat_max"] as? Double).map { String(format: "%.4f", $0) } ?? "?"
    let pymcRate = ess / sampling, mixplanRate = mixplan.essBulk / mixplan.seconds
    print("""
          PyMC-Marketing geo MMM (dims=geo, Hill, media parameters per geo, unpooled), same data, \(json["chains"] ?? "?") chains × (\(json["tune"] ?? "?") + \(json["draws"] ?? "?")), \(json["cores"] ?? "?") at a time, \
        \(json["parameter_count"] ?? "?") parameters:
            sampling \(f(sampling)) s, whole fit \(f(total)) s, process \(f(wall)) s, min bulk ESS \(f(ess)), max R-hat \(rHat), \
        divergences \(json["divergences"] ?? "?"), \(f(pymcRate)) ESS/s, max RSS \(f(rss)) MB (MixPlan's process \(f(mixplan.maxRSSMB)) MB)
            ratio: MixPlan / PyMC-Marketing ESS per second (sampling) = \(String(format: "%.1f", mixplanRate / pymcRate))×, \
        wall time (whole fit) \(String(format: "%.1f", total / mixplan.seconds))× faster
        """)
}
