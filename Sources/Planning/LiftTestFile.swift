import Foundation
import MediaModel

/// The lift-test CSV of `model.lift_tests` (CONTRACT.md): columns channel, x, delta_x, delta_y,
/// sigma, one experiment per row. Read with every row checked; written by `mixplan simulate`.
public enum LiftTestFile {
    static let columns = ["channel", "x", "delta_x", "delta_y", "sigma"]

    /// - Parameter channels: the scenario's channels; every row must name one.
    static func load(file: String, channels: [String]) throws -> [LiftTest] {
        guard FileManager.default.fileExists(atPath: file) else {
            throw InputError(.missingFile, "\(file): no such file (named by model.lift_tests)")
        }
        guard let bytes = FileManager.default.contents(atPath: file), let text = String(data: bytes, encoding: .utf8) else {
            throw InputError(.data, "\(file): cannot be read as UTF-8 text (expected a CSV file)")
        }
        let table = try CSVTable(text: text, file: file)
        let index = try columns.map { name in
            guard let i = table.header.firstIndex(of: name) else {
                throw InputError(.data, "\(file): line 1: no column '\(name)'\(suggestion(name, in: table.header)); a lift-test file has the columns \(columns.joined(separator: ", "))")
            }
            return i
        }
        guard !table.records.isEmpty else {
            throw InputError(.data, "\(file): has a header but no rows (expected one lift test per row)")
        }
        return try table.records.map { record in
            let line = record.line
            guard record.fields.count == table.header.count else {
                throw InputError(.data, "\(file): line \(line): \(record.fields.count) fields, the header has \(table.header.count)")
            }
            func place(_ k: Int) -> String { "\(file): line \(line), column '\(columns[k])'" }
            func number(_ k: Int) throws -> Double {
                let raw = record.fields[index[k]].trimmingCharacters(in: .whitespaces)
                guard let value = Double(raw.replacingOccurrences(of: "_", with: "")), value.isFinite else {
                    throw InputError(.data, "\(place(k)): '\(raw)' is not a finite number")
                }
                return value
            }
            let channel = record.fields[index[0]].trimmingCharacters(in: .whitespaces)
            guard channels.contains(channel) else {
                throw InputError(.data, "\(place(0)): '\(channel)' is not a channel of the scenario\(suggestion(channel, in: channels)); channels are \(channels.joined(separator: ", "))")
            }
            let x = try number(1), dx = try number(2), dy = try number(3), sigma = try number(4)
            guard x >= 0 else { throw InputError(.data, "\(place(1)): weekly spend \(x) is negative (expected ≥ 0)") }
            guard dx != 0 else { throw InputError(.data, "\(place(2)): 0 (the test must change the spend)") }
            guard x + dx >= 0 else {
                throw InputError(.data, "\(place(2)): \(dx) takes the weekly spend below zero (x is \(x))")
            }
            guard sigma > 0 else { throw InputError(.data, "\(place(4)): \(sigma) (expected a standard error > 0)") }
            return LiftTest(channel: channel, spend: x, change: dx, lift: dy, standardError: sigma)
        }
    }

    /// One test's cells in `columns` order.
    static func cells(_ t: LiftTest) -> [String] {
        [csvField(t.channel), csvNumber(t.spend), csvNumber(t.change), csvNumber(t.lift), csvNumber(t.standardError)]
    }

    /// Lift tests as the CSV `load` reads.
    public static func csv(_ tests: [LiftTest]) -> String {
        ([columns.joined(separator: ",")] + tests.map { cells($0).joined(separator: ",") }).joined(separator: "\n") + "\n"
    }
}
