import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A run's output folder, written all or nothing.
///
/// Every file of the run (subfolders such as `fit/` included) is first written into a hidden
/// temporary folder beside the destination, `.NAME.mixplan-new-PID-TOKEN`. Only when all are
/// written does the new folder take the destination's place, in one atomic exchange where the
/// system offers one (Linux `renameat2`), else in two renames. So a reader, a failure or an
/// interrupt at any moment sees either the previous complete folder or the new complete one,
/// never a mix. SIGINT, SIGTERM and SIGHUP that arrive during the swap are held until it is done.
/// Temporaries left by a run that was killed are removed (or, if the swap itself was cut, the
/// previous folder is put back) by the next run that writes beside them.
///
/// Because the whole folder is replaced, a destination that holds files mixplan did not write is
/// refused rather than deleted (see `check(_:)`).
public enum OutputFolder {
    /// Marker file in every folder this type writes: the folder may be replaced as a whole.
    static let marker = ".mixplan-output"

    /// Names mixplan has written (CONTRACT.md), so a folder written by an older build, without the
    /// marker, is still recognized as replaceable.
    static let knownNames: Set<String> = [
        "draws.csv", "summary.csv", "channels.csv", "geos.csv", "model_comparison.csv", "lift_tests.csv", "report.html",
        "plan.csv", "weekly.csv", "experiments.csv", "whatif.csv", "comparison.csv", "frontier.csv",
        "lift_analysis.csv", "lift_test.csv", "posterior.csv", "posterior.bin", "fit.json", "report.json", "effectiveness.csv",
        "UNCONVERGED.txt",
        "fit", "whatif", "frontier", marker,
    ]

    /// The moments of a write, in order, for tests that interrupt a run at each of them.
    public enum Stage: Sendable, Equatable, CustomStringConvertible {
        /// About to write the named file into the temporary folder.
        case writing(String)
        /// Every file is in the temporary folder; the destination is untouched.
        case staged
        /// Only where the system cannot exchange two folders atomically: the previous folder is
        /// moved aside and the new one is not yet in place.
        case previousAside
        /// The new folder is in place; the previous one (if any) is still beside it.
        case swapped
        /// The previous folder is removed.
        case finished

        public var description: String {
            switch self {
            case .writing(let name): "writing \(name)"
            case .staged: "staged"
            case .previousAside: "previous folder aside"
            case .swapped: "swapped"
            case .finished: "finished"
            }
        }
    }

    /// Called at each stage of every write (tests only). A hook that throws stops the write on
    /// the spot, leaving what a process killed at that moment would leave.
    nonisolated(unsafe) public static var stageHook: ((Stage) throws -> Void)?

    /// Tests: swap with two renames even where an atomic exchange exists.
    nonisolated(unsafe) public static var forceTwoRenames = false

    /// Tokens of writes in progress in this process: their temporaries are not stale.
    nonisolated(unsafe) private static var activeTokens = Set<String>()
    private static let lock = NSLock()

    /// Refuses, before any work, a destination the run could not replace: a file, a folder that
    /// holds files mixplan did not write, the current folder or one of its parents, or a place
    /// where no folder can be created.
    /// - Throws: `InputError` (.configuration) naming the folder and what to do.
    public static func check(_ folder: String) throws {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: folder).standardizedFileURL
        let path = url.path
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).standardizedFileURL.path
        if path == "/" || cwd == path || cwd.hasPrefix(path.hasSuffix("/") ? path : path + "/") {
            throw InputError(.configuration, "\(folder): the output folder would replace the current folder or one of its parents; name a subfolder, e.g. --out runs/q1")
        }
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw InputError(.configuration, "\(folder): is a file, not a folder (expected an output folder, e.g. --out runs/q1)")
            }
            if let foreign = foreignEntry(in: path) {
                throw InputError(.configuration, "\(folder): holds '\(escapedForMessage(foreign))', which mixplan did not write; a run replaces its output folder as a whole, so name an empty or new folder")
            }
            guard canCreateFolder(in: url.deletingLastPathComponent().path) else {
                throw InputError(.configuration, "\(folder): its parent folder is not writable")
            }
            return
        }
        // The nearest existing ancestor must be a writable folder.
        var ancestor = url.deletingLastPathComponent()
        while !fm.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) && ancestor.path != "/" {
            ancestor = ancestor.deletingLastPathComponent()
        }
        guard isDirectory.boolValue else {
            throw InputError(.configuration, "\(folder): \(ancestor.path) is a file, so the output folder cannot be created")
        }
        guard canCreateFolder(in: ancestor.path) else {
            throw InputError(.configuration, "\(folder): cannot be created (\(ancestor.path) is not writable)")
        }
    }

    /// Whether a folder can be made in `path`, tried for real (permission bits do not tell for
    /// root, nor for read-only or virtual file systems) and removed at once.
    static func canCreateFolder(in path: String) -> Bool {
        let probe = (path as NSString).appendingPathComponent(".mixplan-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard mkdir(probe, 0o700) == 0 else { return false }
        rmdir(probe)
        return true
    }

    /// Also written by older builds: the demo's data and scenarios.
    static let knownDemoNames: Set<String> = ["weekly-truth.csv", "q1-plan.yaml", "q1-risk-averse.yaml", "q1-bounds.yaml"]

    /// The first entry of an existing folder that shows mixplan did not write it, or nil. Without
    /// the marker (older builds), every file must have a name mixplan writes, and every subfolder
    /// hold only such files.
    static func foreignEntry(in path: String, depth: Int = 0) -> String? {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: path) else { return nil }
        if entries.contains(marker) { return nil }
        for entry in entries.sorted() where !entry.contains(".tmp-") {
            let full = (path as NSString).appendingPathComponent(entry)
            var isDirectory: ObjCBool = false
            _ = fm.fileExists(atPath: full, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                if depth >= 2 { return entry }
                if let inner = foreignEntry(in: full, depth: depth + 1) { return entry + "/" + inner }
            } else if !knownNames.contains(entry) && !knownDemoNames.contains(entry) {
                return entry
            }
        }
        return nil
    }

    /// Writes a run's files as the destination folder's whole new contents.
    /// - Parameters:
    ///   - files: paths relative to `folder` (`fit/draws.csv` makes the subfolder) and contents.
    ///   - folder: replaced as a whole; created (with its parents) when missing.
    /// - Returns: the final paths of the files.
    /// - Throws: `InputError` (.configuration) when the folder cannot be replaced or written.
    @discardableResult
    public static func write(_ files: [(name: String, contents: String)], to folder: String) throws -> [String] {
        try check(folder)
        SignalDeferral.install()
        let fm = FileManager.default
        let destination = URL(fileURLWithPath: folder).standardizedFileURL
        let parent = destination.deletingLastPathComponent()
        let base = destination.lastPathComponent
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw InputError(.configuration, "\(folder): cannot create the output folder (\(error.localizedDescription))")
        }
        removeStaleTemporaries(of: base, in: parent.path)

        let token = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        lock.withLock { _ = activeTokens.insert(token) }
        defer { lock.withLock { _ = activeTokens.remove(token) } }
        let staging = parent.appendingPathComponent(".\(base).mixplan-new-\(token)")
        let aside = parent.appendingPathComponent(".\(base).mixplan-old-\(token)")
        var stagingMade = false
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            stagingMade = true
            for file in files {
                try stageHook?(.writing(file.name))
                let url = staging.appendingPathComponent(file.name)
                guard url.standardizedFileURL.path.hasPrefix(staging.path + "/") else {
                    throw InputError(.configuration, "\(file.name): an output file must stay inside its folder")
                }
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url)
            }
            try Data("written by mixplan; the next run that writes here replaces this folder as a whole\n".utf8)
                .write(to: staging.appendingPathComponent(marker))
            try stageHook?(.staged)
        } catch let error as HookStop {
            throw error
        } catch {
            if stagingMade { try? fm.removeItem(at: staging) }
            if let error = error as? InputError { throw error }
            throw InputError(.configuration, "\(folder): cannot write the output files (\(error.localizedDescription))")
        }

        // The swap: signals wait until the destination holds one complete folder.
        let hadPrevious = fm.fileExists(atPath: destination.path)
        do {
            try SignalDeferral.holding {
                if hadPrevious {
                    if exchange(staging.path, destination.path) {
                        // The previous folder now sits at the staging name.
                        try fm.moveItem(at: staging, to: aside)
                    } else {
                        try fm.moveItem(at: destination, to: aside)
                        try stageHook?(.previousAside)
                        try fm.moveItem(at: staging, to: destination)
                    }
                } else {
                    try fm.moveItem(at: staging, to: destination)
                }
            }
        } catch let error as HookStop {
            throw error
        } catch {
            // Put the previous folder back if it was moved aside before the failure.
            if hadPrevious, !fm.fileExists(atPath: destination.path), fm.fileExists(atPath: aside.path) {
                try? fm.moveItem(at: aside, to: destination)
            }
            try? fm.removeItem(at: staging)
            throw InputError(.configuration, "\(folder): cannot move the new output into place (\(error.localizedDescription))")
        }
        try stageHook?(.swapped)
        if hadPrevious { try? fm.removeItem(at: aside) }
        try stageHook?(.finished)
        return files.map { destination.appendingPathComponent($0.name).path }
    }

    /// Writes files into an existing folder that holds other files too (`mixplan simulate`), each
    /// under a temporary name first and renamed into place once all are written.
    @discardableResult
    public static func place(_ files: [(name: String, contents: String)], into folder: String) throws -> [String] {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw InputError(.configuration, "\(folder): cannot create the output folder (\(error.localizedDescription))")
        }
        // Temporaries of an earlier run that was killed while writing (its process is gone).
        for entry in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where entry.hasPrefix(".") {
            guard let range = entry.range(of: ".tmp-", options: .backwards) else { continue }
            let owner = entry[range.upperBound...].split(separator: "-").first.flatMap { Int32($0) }
            if let owner, owner != getpid(), kill(owner, 0) != 0, errno == ESRCH {
                try? fm.removeItem(atPath: (folder as NSString).appendingPathComponent(entry))
            }
        }
        let token = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var temporary: [(String, String)] = []
        do {
            for file in files {
                let final = (folder as NSString).appendingPathComponent(file.name)
                let temp = (folder as NSString).appendingPathComponent(".\(file.name).tmp-\(token)")
                try Data(file.contents.utf8).write(to: URL(fileURLWithPath: temp))
                temporary.append((temp, final))
            }
            try SignalDeferral.holding {
                for (temp, final) in temporary {
                    if rename(temp, final) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                }
            }
        } catch {
            for (temp, _) in temporary { try? fm.removeItem(atPath: temp) }
            throw InputError(.configuration, "\(folder): cannot write the output files (\(error.localizedDescription))")
        }
        return temporary.map(\.1)
    }

    /// Removes the temporaries that earlier, interrupted writes of `base` left in `parent`: those of
    /// a process that is gone, or of this process but no write in progress. A previous folder moved
    /// aside by a swap that was cut short is put back when the destination is missing.
    static func removeStaleTemporaries(of base: String, in parent: String) {
        let fm = FileManager.default
        let prefix = ".\(base).mixplan-"
        guard let entries = try? fm.contentsOfDirectory(atPath: parent) else { return }
        let destination = (parent as NSString).appendingPathComponent(base)
        // Old folders first, so a missing destination is restored before new ones are discarded.
        for entry in entries.filter({ $0.hasPrefix(prefix) }).sorted(by: { $0.contains("-old-") && !$1.contains("-old-") }) {
            let rest = entry.dropFirst(prefix.count)    // "new-PID-RANDOM" or "old-PID-RANDOM"
            let parts = rest.split(separator: "-")
            guard parts.count == 3, let pid = Int32(parts[1]) else { continue }
            let token = "\(parts[1])-\(parts[2])"
            let alive = pid == getpid() ? lock.withLock { activeTokens.contains(token) } : (kill(pid, 0) == 0 || errno == EPERM)
            guard !alive else { continue }
            let path = (parent as NSString).appendingPathComponent(entry)
            if parts[0] == "old", !fm.fileExists(atPath: destination) {
                try? fm.moveItem(atPath: path, toPath: destination)
            } else {
                try? fm.removeItem(atPath: path)
            }
        }
    }

    /// Swaps two paths atomically with Linux `renameat2(RENAME_EXCHANGE)`; false when the system
    /// has no such call (the caller then renames twice).
    private static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard !forceTwoRenames, let symbol = dlsym(nil, "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let exchangeFlag: UInt32 = 1 << 1   // RENAME_EXCHANGE
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, exchangeFlag) == 0
        #else
        return false
        #endif
    }
}

/// Thrown by a test's `stageHook` to stop a write as a kill would: nothing is cleaned up.
public struct HookStop: Error, Equatable {
    public init() {}
}

/// Holds SIGINT, SIGTERM and SIGHUP while a folder is being swapped, and delivers them (with their
/// default action: the process ends) as soon as the swap is done. Outside a swap they act as usual.
enum SignalDeferral {
    nonisolated(unsafe) static var depth: Int32 = 0
    nonisolated(unsafe) static var pending: Int32 = 0
    nonisolated(unsafe) static var installed = false
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    static func install() {
        guard !installed else { return }
        installed = true
        // A parent may have started us with these signals blocked (Foundation's Process does):
        // unblock them here, or an interrupt would never arrive.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for s in signals { sigaddset(&unblock, s) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for s in signals {
            signal(s) { received in
                if SignalDeferral.depth > 0 { SignalDeferral.pending = received; return }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    static func holding<T>(_ body: () throws -> T) rethrows -> T {
        depth += 1
        defer {
            depth -= 1
            if depth == 0, pending != 0 {
                let s = pending
                pending = 0
                signal(s, SIG_DFL)
                raise(s)
            }
        }
        return try body()
    }
}

/// Shortest text that reads back as the same double: deterministic across runs and machines.
func csvNumber(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}

/// Quotes a CSV field when it needs it.
public func csvField(_ text: String) -> String {
    text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}
