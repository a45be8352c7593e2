import Foundation
import Testing
@testable import Planning

/// All-or-nothing output: a run's folder is replaced as a whole, and an interruption at any stage
/// of the write leaves the previous complete folder or the new complete one.
@Suite(.serialized) struct OutputFolderTests {
    static let old: [(name: String, contents: String)] = [("summary.csv", "old summary\n"), ("plan.csv", "old plan\n"), ("fit/draws.csv", "old draws\n")]
    static let new: [(name: String, contents: String)] = [("summary.csv", "new summary\n"), ("plan.csv", "new plan\n"), ("whatif.csv", "new whatif\n")]

    /// The files under `folder` (the marker left out) and their contents.
    static func contents(_ folder: URL) -> [String: String] {
        var out: [String: String] = [:]
        for name in files(in: folder) where !name.hasSuffix(OutputFolder.marker) {
            var isDirectory: ObjCBool = false
            let path = folder.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[name] = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<unreadable>"
            }
        }
        return out
    }

    static func expected(_ files: [(name: String, contents: String)]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.contents) })
    }

    /// Hidden temporaries beside `folder`.
    static func temporaries(beside folder: URL) -> [String] {
        let parent = folder.deletingLastPathComponent().path
        return ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).filter { $0.contains(".mixplan-") }
    }

    @Test func replacesTheFolderAsAWhole() throws {
        let dir = temporaryFolder()
        let out = dir.appendingPathComponent("run")
        try OutputFolder.write(Self.old, to: out.path)
        #expect(Self.contents(out) == Self.expected(Self.old))
        try OutputFolder.write(Self.new, to: out.path)
        #expect(Self.contents(out) == Self.expected(Self.new), "no file of the previous run may stay beside the new ones")
        #expect(Self.temporaries(beside: out).isEmpty)
    }

    @Test func refusesWhatItCannotReplace() throws {
        let dir = temporaryFolder()
        let file = write("x", "afile", in: dir)
        #expect(inputError { try OutputFolder.check(file) }?.message.contains("is a file") == true)
        let foreign = dir.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        write("precious", "notes.txt", in: foreign)
        let refusal = inputError { try OutputFolder.write(Self.new, to: foreign.path) }
        #expect(refusal?.kind == .configuration && refusal?.message.contains("notes.txt") == true, "\(String(describing: refusal))")
        #expect(try String(contentsOf: foreign.appendingPathComponent("notes.txt"), encoding: .utf8) == "precious")
        #expect(inputError { try OutputFolder.check(FileManager.default.currentDirectoryPath) } != nil)
        // A folder an older build wrote (contract names, no marker) is replaceable.
        let legacy = dir.appendingPathComponent("legacy")
        try FileManager.default.createDirectory(at: legacy, withIntermediateDirectories: true)
        write("old", "summary.csv", in: legacy)
        try OutputFolder.write(Self.new, to: legacy.path)
        #expect(Self.contents(legacy) == Self.expected(Self.new))
    }

    @Test func aDemoFolderOfAnOlderBuildIsReplaceableButNotOneWithForeignFilesInside() throws {
        let dir = temporaryFolder()
        let demo = dir.appendingPathComponent("mixplan-demo")
        for name in ["data/weekly.csv", "data/weekly-truth.csv", "q1-plan.yaml", "fit/draws.csv", "q1-plan/summary.csv"] {
            let url = demo.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("old".utf8).write(to: url)
        }
        #expect(inputError { try OutputFolder.check(demo.path) } == nil)
        write("mine", "notes.txt", in: demo.appendingPathComponent("q1-plan"))
        #expect(inputError { try OutputFolder.check(demo.path) }?.message.contains("q1-plan/notes.txt") == true)
    }

    /// Every stage of a write, with the state a kill at that moment must leave (before the
    /// clean-up of the next run) and the state after the next run's clean-up.
    static let stages: [(stage: OutputFolder.Stage, twoRenames: Bool)] = [
        (.writing("summary.csv"), false), (.writing("whatif.csv"), false), (.staged, false), (.swapped, false), (.finished, false),
        (.writing("plan.csv"), true), (.staged, true), (.previousAside, true), (.swapped, true), (.finished, true),
    ]

    @Test(arguments: stages.indices)
    func interruptedAtEachStage(index: Int) throws {
        let (stage, twoRenames) = Self.stages[index]
        let dir = temporaryFolder()
        let out = dir.appendingPathComponent("run")
        try OutputFolder.write(Self.old, to: out.path)
        OutputFolder.forceTwoRenames = twoRenames
        OutputFolder.stageHook = { if $0 == stage { throw HookStop() } }
        defer { OutputFolder.stageHook = nil; OutputFolder.forceTwoRenames = false }
        #expect(throws: HookStop.self) { try OutputFolder.write(Self.new, to: out.path) }
        OutputFolder.stageHook = nil
        let seen = Self.contents(out)
        switch stage {
        case .previousAside:
            // Only a kill (SIGKILL, power loss) can stop here: other signals are held. The folder
            // is missing until the next run puts the previous one back.
            #expect(seen.isEmpty)
        case .swapped, .finished:
            #expect(seen == Self.expected(Self.new), "\(stage)")
        default:
            #expect(seen == Self.expected(Self.old), "\(stage)")
        }
        // The next run first cleans up what the stopped one left, then writes.
        OutputFolder.removeStaleTemporaries(of: "run", in: dir.path)
        #expect(Self.temporaries(beside: out).isEmpty, "\(stage): \(Self.temporaries(beside: out))")
        let recovered = Self.contents(out)
        #expect(recovered == Self.expected(Self.old) || recovered == Self.expected(Self.new), "\(stage): \(recovered)")
        try OutputFolder.write(Self.new, to: out.path)
        #expect(Self.contents(out) == Self.expected(Self.new))
        #expect(Self.temporaries(beside: out).isEmpty)
    }

    /// A real SIGINT or SIGTERM to the `mixplan` binary, paused at a chosen stage of its write.
    static let signalCases: [(stage: String, signal: Int32, twoRenames: Bool, expectNew: Bool)] = [
        ("writing draws.csv", SIGINT, false, false), ("staged", SIGTERM, false, false), ("swapped", SIGINT, false, true),
        ("previous folder aside", SIGINT, true, true), ("previous folder aside", SIGTERM, true, true), ("staged", SIGINT, true, false),
    ]

    @Test(arguments: signalCases.indices)
    func signalAtEachStageOfARealRun(index: Int) throws {
        let c = Self.signalCases[index]
        let dir = temporaryFolder()
        let out = dir.appendingPathComponent("out")
        try OutputFolder.write(Self.old, to: out.path)
        let scenario = write("""
            name: interrupt
            data: {file: \(fixtures.appendingPathComponent("mmm_example.csv").path), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2]}
            model: {adstock: {type: geometric, max_lag: 4}, saturation: logistic, trend: none, seasonality: none}
            sampler: {chains: 1, warmup: 30, draws: 30, seed: 1}
            """, "s.yaml", in: dir)
        let process = Process()
        process.executableURL = mixPlanBinary()
        process.arguments = ["fit", scenario, "--out", out.path, "--quiet"]
        var environment = ProcessInfo.processInfo.environment
        environment["MIXPLAN_CACHE"] = dir.appendingPathComponent("cache").path
        environment["MIXPLAN_TEST_PAUSE_AT"] = c.stage
        environment["MIXPLAN_TEST_TWO_RENAMES"] = c.twoRenames ? "1" : "0"
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait (without a timer) until the run says it has reached the stage.
        var said = ""
        while !said.contains("paused at") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        #expect(said.contains("paused at \(c.stage)"), "\(c.stage): \(said)")
        kill(process.processIdentifier, c.signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == c.signal, "\(c.stage): \(process.terminationStatus)")
        let seen = Set(files(in: out))
        if c.expectNew {
            #expect(seen.contains("draws.csv") && seen.contains("channels.csv") && !seen.contains("plan.csv"), "\(c.stage): \(seen)")
        } else {
            #expect(Self.contents(out) == Self.expected(Self.old), "\(c.stage): \(seen)")
        }
        // The next run leaves no temporaries behind, whatever the killed one left.
        OutputFolder.removeStaleTemporaries(of: "out", in: dir.path)
        #expect(Self.temporaries(beside: out).isEmpty, "\(c.stage): \(Self.temporaries(beside: out))")
    }
}
