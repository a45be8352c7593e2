import Foundation

/// Headless Chromium, run the way the browser test needs it: a page loaded from a file, its DOM
/// after rendering, a screenshot, the console on stderr and a network log. No DevTools protocol.
struct Chromium {
    let path: String

    /// `chromium` (Debian), `chromium-browser` or `google-chrome` on the PATH, else nil.
    static let installed: Chromium? = {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return Chromium(path: "\(folder)/\(name)")
            }
        }
        return nil
    }()

    struct Rendering {
        /// The document as the browser built it.
        var dom: String
        /// Messages the page logged to its console (errors included: failed loads, blocked
        /// requests, script errors).
        var console: [String]
        /// http(s) or ws(s) URLs the page itself asked the network for.
        var requests: [String]
    }

    /// Loads `page`, writes a `width`×`height` screenshot to `screenshot`, and reports what happened.
    func render(_ page: URL, screenshot: URL, width: Int = 1280, height: Int = 900) throws -> Rendering {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("mixplan-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let netLog = work.appendingPathComponent("net.json")
        var arguments = ["--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
                         "--user-data-dir=\(work.appendingPathComponent("profile").path)",
                         "--enable-logging=stderr", "--v=0", "--log-net-log=\(netLog.path)",
                         "--window-size=\(width),\(height)", "--screenshot=\(screenshot.path)", "--dump-dom", page.absoluteString]
        // Chromium refuses to start its sandbox as root (containers, CI); the page is our own file.
        if getuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the browser runs, so a full pipe never blocks it.
        let errData = Locked(Data())
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        while !errData.done { usleep(10_000) }
        let stderr = String(decoding: errData.value, as: UTF8.self)
        let console = stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return Rendering(dom: dom, console: console, requests: try Self.pageRequests(netLog))
    }

    /// Prints `page` to a PDF file the way a reader's "Save as PDF" would (print styles applied).
    func printPDF(_ page: URL, to pdf: URL) throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("mixplan-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        var arguments = ["--headless", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer",
                         "--user-data-dir=\(work.appendingPathComponent("profile").path)", "--print-to-pdf=\(pdf.path)", page.absoluteString]
        if getuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
    }

    /// Requests in a Chromium net log that the page made: network URLs whose request started from
    /// a page (the browser's own background requests have no origin, "not an origin").
    static func pageRequests(_ netLog: URL) throws -> [String] {
        // Chromium may leave the log's closing bracket off when it exits quickly.
        var text = try String(contentsOf: netLog, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasSuffix(",") { text.removeLast() }
        if !text.hasSuffix("}") { text += "]}" }
        guard let root = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let constants = root["constants"] as? [String: Any],
              let types = constants["logEventTypes"] as? [String: Int],
              let start = types["URL_REQUEST_START_JOB"],
              let events = root["events"] as? [[String: Any]] else { return ["(unreadable net log)"] }
        return events.compactMap { event -> String? in
            guard event["type"] as? Int == start, let params = event["params"] as? [String: Any],
                  let url = params["url"] as? String else { return nil }
            let network = ["http:", "https:", "ws:", "wss:", "ftp:"].contains { url.hasPrefix($0) }
            let fromPage = (params["initiator"] as? String).map { $0 != "not an origin" } ?? true
            return network && fromPage ? url : nil
        }
    }
}

/// A value written by one thread and read by another.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    private var finished = false
    init(_ value: T) { stored = value }
    func set(_ value: T) { lock.lock(); stored = value; finished = true; lock.unlock() }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return finished }
}
