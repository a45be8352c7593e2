import ArgumentParser
import Foundation
import MediaModel
import Planning
import Sampling

/// The one place where errors become messages and sysexits codes.
func reportingErrors(_ body: () throws -> Void) throws {
    installTestHooks()
    do {
        try body()
    } catch let error as InputError {
        let code: Int32 = switch error.kind {
        case .data: 65
        case .missingFile: 66
        case .configuration: 78
        case .usage: 64
        }
        fail(error.message, code: code)
    } catch let error as SamplingError {
        switch error {
        case .invalidConfiguration: fail("sampler: \(error.description)", code: 78)
        case .initializationFailed: fail("sampler: \(error.description); the model cannot be evaluated on this data", code: 70)
        }
    } catch let error as ModelError {
        fail("model: \(error.description)", code: 78)
    } catch let error as ExitCode {
        throw error
    } catch {
        fail("internal failure: \(error)", code: 70)
    }
}

/// For the interrupt tests, which run this binary: `MIXPLAN_TEST_PAUSE_AT=STAGE` (an
/// `OutputFolder.Stage` description, e.g. `staged`) makes the write say `paused at STAGE` on
/// stderr and wait there for a signal, so a test can interrupt it at exactly that moment;
/// `MIXPLAN_TEST_TWO_RENAMES=1` swaps folders without the atomic exchange.
private func installTestHooks() {
    let environment = ProcessInfo.processInfo.environment
    if environment["MIXPLAN_TEST_TWO_RENAMES"] == "1" { OutputFolder.forceTwoRenames = true }
    guard let stage = environment["MIXPLAN_TEST_PAUSE_AT"], !stage.isEmpty else { return }
    OutputFolder.stageHook = { current in
        guard current.description == stage else { return }
        // Block the signals, say where we are, then wait with them unblocked in one atomic
        // sigsuspend: a signal sent as soon as the line is read cannot slip in before the wait.
        var block = sigset_t(), previous = sigset_t()
        sigemptyset(&block)
        for s in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&block, s) }
        pthread_sigmask(SIG_BLOCK, &block, &previous)
        printError("paused at \(stage)\n")
        var waiting = previous
        for s in [SIGINT, SIGTERM, SIGHUP] { sigdelset(&waiting, s) }
        sigsuspend(&waiting)
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }
}

private func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("mixplan: error: \(message)\n".utf8))
    exit(code)
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data(message.utf8))
}

/// Sampling progress on stderr: one line updated in place on a terminal, a few lines otherwise.
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private var iterations: [Int]
    private let total: Int
    private let quiet: Bool
    private let terminal = isatty(STDERR_FILENO) != 0
    private var lastShown = -1
    private let label: String

    init(chains: Int, iterationsPerChain: Int, label: String, quiet: Bool) {
        iterations = Array(repeating: 0, count: chains)
        total = chains * iterationsPerChain
        self.quiet = quiet
        self.label = label
    }

    func update(_ p: SamplingProgress) {
        guard !quiet else { return }
        lock.lock(); defer { lock.unlock() }
        iterations[p.chain] = p.iteration
        let percent = iterations.reduce(0, +) * 100 / max(total, 1)
        let step = terminal ? 1 : 25
        guard percent / step != lastShown / step || (percent == 100 && lastShown != 100) else { return }
        lastShown = percent
        let phase = p.phase == .warmup ? "warmup" : "sampling"
        printError(terminal ? "\r\(label): \(percent)% (\(phase))\u{1B}[K" : "\(label): \(percent)%\n")
        if terminal && percent == 100 { printError("\n") }
    }
}

/// Options every command that writes results shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "Output folder (default: runs/<scenario name>/).")
    var out: String?

    @Option(help: "Override the scenario's sampler seed.")
    var seed: UInt64?

    @Flag(help: "Silence progress on stderr.")
    var quiet = false

    @Flag(help: "Plan even on a fit that failed its convergence checks (R-hat, ESS, divergences, E-BFMI); every output is then marked.")
    var allowUnconverged = false

    func load(_ path: String) throws -> Scenario {
        var s = try Scenario.load(path: path)
        if let seed { s.sampler.seed = seed }
        return s
    }
}

/// Options of the commands that read one scenario.
struct ScenarioOptions: ParsableArguments {
    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @OptionGroup var common: CommonOptions

    var out: String? { common.out }
    var quiet: Bool { common.quiet }
    var allowUnconverged: Bool { common.allowUnconverged }

    func load() throws -> Scenario { try common.load(scenario) }

    func outputFolder(for s: Scenario, suffix: String = "") -> String {
        out ?? defaultFolder(s.name) + suffix
    }
}

/// A scenario name as a folder name: "Q1 2027 plan" → "q1-2027-plan" (see `folderName(for:)`).
func slug(_ name: String) -> String { folderName(for: name) }

func defaultFolder(_ name: String) -> String { "runs/" + slug(name) }
