import Foundation

/// Writes a run's files so that a failure never leaves a partial or corrupt file: each file goes
/// to a temporary name in the same folder and is renamed into place only when all are written.
public enum OutputFolder {
    /// - Parameters:
    ///   - folder: created when missing.
    ///   - files: name and contents, written in the given order.
    /// - Returns: the final paths.
    @discardableResult
    public static func write(_ files: [(name: String, contents: String)], to folder: String) throws -> [String] {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw InputError(.configuration, "\(folder): cannot create the output folder (\(error.localizedDescription))")
        }
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        var temporary: [(String, String)] = []
        do {
            for file in files {
                let final = (folder as NSString).appendingPathComponent(file.name)
                let temp = (folder as NSString).appendingPathComponent(".\(file.name).tmp-\(token)")
                try Data(file.contents.utf8).write(to: URL(fileURLWithPath: temp))
                temporary.append((temp, final))
            }
            for (temp, final) in temporary {
                if fm.fileExists(atPath: final) { try fm.removeItem(atPath: final) }
                try fm.moveItem(atPath: temp, toPath: final)
            }
        } catch {
            for (temp, _) in temporary { try? fm.removeItem(atPath: temp) }
            throw InputError(.configuration, "\(folder): cannot write the output files (\(error.localizedDescription))")
        }
        return temporary.map(\.1)
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
