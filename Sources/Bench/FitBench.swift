import BudgetOptimization
import Foundation
import MediaModel
import Planning
import Sampling

/// The standard fit: mmm_example.csv (the project's copy), geometric adstock (max lag 8),
/// logistic saturation, yearly seasonality of order 2, controls event_1, event_2, t; 4 chains ×
/// (1000 warmup + 1000 draws). When the peers' Python environment exists, PyMC-Marketing fits the
/// same model on the same data in the same run and the ratios are printed.
func benchStandardFit(peers: String?) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let data = root.appendingPathComponent("Tests/PlanningTests/Fixtures/mmm_example.csv").path
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mixplan-bench-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let scenarioPath = folder.appendingPathComponent("standard.yaml").path
    try Data("""
        name: standard fit
        data: {file: \(data), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}
        model: {adstock: {type: geometric, max_lag: 8}, saturation: logistic, trend: none, seasonality: {order: 2}}
        sampler: {chains: 4, warmup: 1000, draws: 1000, seed: 1}
        """.utf8).write(to: URL(fileURLWithPath: scenarioPath))

    let scenario = try Scenario.load(path: scenarioPath)
    let fit = try FitRun.run(scenario)
    let sampled = fit.posterior.model.parameters.count
    let minBulk = fit.summaries.prefix(sampled).map(\.summary.essBulk).min() ?? .nan
    let maxRHat = fit.summaries.prefix(sampled).map(\.summary.rHat).max() ?? .nan
    let essPerSecond = minBulk / fit.seconds

    // The whole command as a user runs it: process start, reading, sampling, writing.
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mixplan")
    var processSeconds = Double.nan
    if FileManager.default.fileExists(atPath: binary.path) {
        let start = Date()
        let p = Process()
        p.executableURL = binary
        p.arguments = ["fit", scenarioPath, "--out", folder.appendingPathComponent("out").path, "--quiet"]
        p.standardOutput = FileHandle.nullDevice
        try p.run(); p.waitUntilExit()
        processSeconds = Date().timeIntervalSince(start)
    }
    print("""
        Standard fit, mmm_example.csv (179 weeks, 2 channels), 4 chains × (1000 + 1000), \(sampled) parameters:
          MixPlan: sampling \(f(fit.seconds)) s, min bulk ESS \(f(minBulk)), max R-hat \(String(format: "%.4f", maxRHat)), \
        divergences \(fit.convergence.divergences), \(f(essPerSecond)) ESS/s; whole `mixplan fit` process \(f(processSeconds)) s
        """)

    guard let peers, FileManager.default.fileExists(atPath: peers + "/pymc_fit.py") else {
        print("  PyMC-Marketing: skipped (no peers folder given)\n"); return
    }
    let venv = ProcessInfo.processInfo.environment["MIXPLAN_PEERS_VENV"]
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/mixplan-peers").path
    guard FileManager.default.isExecutableFile(atPath: venv + "/bin/python") else {
        print("  PyMC-Marketing: skipped (no environment at \(venv); make it with \(peers)/setup.sh)\n"); return
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: venv + "/bin/python")
    let pymcOut = folder.appendingPathComponent("pymc").path
    p.arguments = [peers + "/pymc_fit.py", data, "--date", "date_week", "--target", "y", "--channels", "x1,x2",
                   "--controls", "event_1,event_2,t", "--chains", "4", "--tune", "1000", "--draws", "1000", "--seed", "1",
                   "--out", pymcOut]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    let start = Date()
    try p.run()
    let bytes = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let wall = Date().timeIntervalSince(start)
    guard let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").last,
          let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
          let sampling = json["sampling_seconds"] as? Double, let ess = json["ess_bulk_min"] as? Double else {
        print("  PyMC-Marketing: failed (exit \(p.terminationStatus))\n"); return
    }
    let pymcRate = ess / sampling
    let process = json["process_seconds"] as? Double ?? wall
    print("""
          PyMC-Marketing: sampling \(f(sampling)) s, min bulk ESS \(f(ess)), max R-hat \(json["rhat_max"] ?? "?"), \
        divergences \(json["divergences"] ?? "?"), \(f(pymcRate)) ESS/s; whole process \(f(process)) s
          ratio: MixPlan / PyMC-Marketing ESS per second = \(String(format: "%.1f", essPerSecond / pymcRate))×, \
        whole process \(String(format: "%.1f", process / processSeconds))× faster
        """)
    try benchOptimizerAgainstPyMC(fit: fit, data: data, peers: peers, python: venv + "/bin/python", model: pymcOut + "/model.nc")
}

/// Both optimizers on their own fit of the same example: a total budget of 6.12 over 13 weeks,
/// per-channel totals in [0, budget], 4000 draws each.
func benchOptimizerAgainstPyMC(fit: FitRun, data: String, peers: String, python: String, model: String) throws {
    let budget = 6.12
    let problem = try PlanProblem(channels: ["x1", "x2"], responses: fit.posterior.responseCurves(horizon: 13), budget: budget)
    var seconds: [Double] = []
    for _ in 0..<2 {
        let start = Date()
        _ = try PlanOptimizer(choice: .slsqp, seed: 1).optimize(problem)
        seconds.append(Date().timeIntervalSince(start))
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python)
    p.arguments = [peers + "/pymc_optimize.py", data, "--date", "date_week", "--target", "y", "--channels", "x1,x2",
                   "--controls", "event_1,event_2,t", "--budget", "\(budget)", "--periods", "13", "--load", model]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let bytes = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").last,
          let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
          let first = json["optimize_seconds"] as? Double, let repeated = json["optimize_seconds_repeat"] as? Double else {
        print("  PyMC-Marketing optimizer: failed (exit \(p.terminationStatus))\n"); return
    }
    print("""
          Budget optimizer, same example (2 channels × 4000 draws, 13 weeks, budget 6.12):
            MixPlan SLSQP \(String(format: "%.4f", seconds[0])) s first call, \(String(format: "%.4f", seconds[1])) s repeated; \
        PyMC-Marketing \(String(format: "%.3f", first)) s first call (compiling), \(String(format: "%.3f", repeated)) s repeated
            ratio: first call \(String(format: "%.0f", first / seconds[0]))×, repeated solve \(String(format: "%.1f", repeated / seconds[1]))× faster

        """)
}
