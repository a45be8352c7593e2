import Foundation

/// The report's two files in a fit or plan folder: `report.json` (the `Report` value: every
/// sentence, table and chart with its numbers) and `report.html` (the page rendered from it).
/// Keeping the value beside the page lets `mixplan report DIR` rebuild the page, for example
/// after a change to how it is drawn, without refitting.
public enum ReportFile {
    public static let json = "report.json"
    public static let html = "report.html"

    /// Both files for `report`, ready for `OutputFolder.write` (which writes them atomically).
    public static func files(_ report: Report) -> [(name: String, contents: String)] {
        [(json, encode(report)), (html, report.html)]
    }

    /// Sorted keys and shortest round-trip numbers: the same report gives the same bytes.
    static func encode(_ report: Report) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
        // Encoding a value of plain strings, numbers and arrays cannot fail.
        return String(decoding: try! encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// The report stored in a finished run's folder.
    /// - Throws: `InputError` (.missingFile) when the folder has no `report.json`, (.data) when
    ///   it does not read as a report.
    public static func load(folder: String) throws -> Report {
        let path = (folder as NSString).appendingPathComponent(json)
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw InputError(.missingFile, "\(path): no such file; `mixplan report` rebuilds the page of a folder written by mixplan fit or mixplan plan")
        }
        do {
            return try decode(bytes)
        } catch {
            throw InputError(.data, "\(path): not a report written by mixplan (\(error))")
        }
    }

    /// The report in `report.json`'s bytes.
    static func decode(_ bytes: Data) throws -> Report {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
        return try decoder.decode(Report.self, from: bytes)
    }

    /// The report among a folder's files (`report.json`), if it reads as one.
    static func report(in files: [(name: String, contents: String)]) -> Report? {
        files.first { $0.name == json }.flatMap { try? decode(Data($0.contents.utf8)) }
    }
}
