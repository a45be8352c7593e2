import Foundation

/// The model core against the build before it, side by side in one run: both `mixplan` binaries
/// fit the same two scenarios (the standard fit and the bundled 5-channel Hill example), and for
/// each the bench prints the sampling time, ESS per second, leapfrog steps per draw and the time
/// per gradient.
///
/// The time per gradient is measured the same way for both builds, from outside: a second run with
/// the same seed and warmup but one draw repeats the first run's warmup exactly, so the difference
/// in the sampling time each command reports, times the cores the chains run on, over the
/// difference in leapfrog steps is the cost of one step of sampling (the gradient and the
/// sampler's own work per step). Process CPU time would also count what each build writes after
/// sampling (the newer one draws a report), so it is not used.
func benchModelCore(baseline: String?) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let current = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mixplan").path
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mixplan-core-bench-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let mmm = root.appendingPathComponent("Tests/PlanningTests/Fixtures/mmm_example.csv").path
    let weekly = root.appendingPathComponent("Examples/data/weekly.csv").path
    let scenarios = [
        ("standard fit (mmm_example, logistic, geometric lag 8, 2 channels)", """
            data: {file: \(mmm), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}
            model: {adstock: {type: geometric, max_lag: 8}, saturation: logistic, trend: none, seasonality: {order: 2}}
            """, UInt64(1)),
        ("bundled example (5 channels, Hill, geometric lag 8)", """
            data: {file: \(weekly), date: week, target: revenue, channels: [tv, search, social, youtube, display], controls: [price_index, holiday]}
            model: {adstock: {type: geometric, max_lag: 8}, saturation: hill}
            """, UInt64(7)),
    ]
    var builds = [("this build", current)]
    if let baseline { builds.append(("before the model core", baseline)) } else {
        print("Model core: no baseline binary given (make bench builds one from the commit before the core); this build only")
    }
    print("Model core, 4 chains × (1000 warmup + 1000 draws), same seeds, one run each:")
    for (name, body, seed) in scenarios {
        print("  \(name):")
        var rates: [Double] = [], wall: [Double] = []
        for (label, binary) in builds {
            let full = try fitProcess(binary, body: body, seed: seed, draws: 1000, folder: folder)
            let warm = try fitProcess(binary, body: body, seed: seed, draws: 1, folder: folder)
            let steps = full.leapfrogs - warm.leapfrogs
            let cores = Double(min(4, ProcessInfo.processInfo.activeProcessorCount))
            let perStep = (full.samplingSeconds - warm.samplingSeconds) * cores / max(steps, 1)
            print(String(format: "    %-22@ sampling %6.2f s, min bulk ESS %5.0f, %7.1f ESS/s, %5.1f leapfrog steps per draw, %5.1f µs per step, divergences %d",
                         label as NSString, full.samplingSeconds, full.minBulkESS, full.minBulkESS / full.samplingSeconds,
                         full.leapfrogs / 4000, perStep * 1e6, full.divergences))
            rates.append(full.minBulkESS / full.samplingSeconds)
            wall.append(full.samplingSeconds)
        }
        if rates.count == 2 {
            print(String(format: "    ratio: %.2f× the ESS per second, %.2f× faster sampling", rates[0] / rates[1], wall[1] / wall[0]))
        }
    }
    print("")
}

struct FitMeasurement {
    var samplingSeconds: Double
    var minBulkESS: Double
    var leapfrogs: Double
    var divergences: Int
}

/// Runs `binary fit` on a scenario and reads back what it wrote.
func fitProcess(_ binary: String, body: String, seed: UInt64, draws: Int, folder: URL) throws -> FitMeasurement {
    let scenario = folder.appendingPathComponent("core-\(seed)-\(draws).yaml")
    try Data("name: core bench\n\(body)\nsampler: {chains: 4, warmup: 1000, draws: \(draws), seed: \(seed)}\n".utf8).write(to: scenario)
    let out = folder.appendingPathComponent("out-\(UUID().uuidString)")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = ["fit", scenario.path, "--out", out.path, "--quiet"]
    // A cache of its own: a stored fit must never stand in for a run being timed.
    var environment = ProcessInfo.processInfo.environment
    environment["MIXPLAN_CACHE"] = folder.appendingPathComponent("cache-\(UUID().uuidString)").path
    p.environment = environment
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    try p.run()
    let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw BenchError.failed("\(binary) fit exited \(p.terminationStatus)") }
    // "Fit: … draws (19.2 s)": the sampling time the command itself measured.
    let sampling = printed.split(separator: "\n").first { $0.hasPrefix("Fit:") }
        .flatMap { $0.split(separator: "(").last?.split(separator: " ").first }.flatMap { Double($0) } ?? .nan
    let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
    var minESS = Double.infinity
    for line in summary.split(separator: "\n").dropFirst() {
        let cells = line.split(separator: ",")
        if cells[0] == "intercept" { break }  // derived quantities follow the sampled parameters
        if let ess = Double(cells[7]) { minESS = min(minESS, ess) }
    }
    let draws = try String(contentsOf: out.appendingPathComponent("draws.csv"), encoding: .utf8)
    var leapfrogs = 0.0, divergences = 0, header: [Substring] = []
    for line in draws.split(separator: "\n") where !line.hasPrefix("#") {
        let cells = line.split(separator: ",")
        if header.isEmpty { header = cells; continue }
        if let i = header.firstIndex(of: "n_leapfrog__") { leapfrogs += Double(cells[i]) ?? 0 }
        if let i = header.firstIndex(of: "divergent__"), cells[i] == "1" { divergences += 1 }
    }
    return FitMeasurement(samplingSeconds: sampling, minBulkESS: minESS, leapfrogs: leapfrogs, divergences: divergences)
}

enum BenchError: Error { case failed(String) }
