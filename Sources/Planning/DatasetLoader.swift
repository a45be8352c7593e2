import Foundation
import MediaModel

/// Where the history lives and which columns mean what (the scenario's `data` block).
public struct DataSpecification: Sendable, Equatable {
    /// Path to the CSV, already resolved against the scenario file's folder.
    public var file: String
    public var date: String
    public var target: String
    public var channels: [String]
    public var controls: [String]
    public var geo: String?

    public init(file: String, date: String, target: String, channels: [String], controls: [String] = [], geo: String? = nil) {
        self.file = file; self.date = date; self.target = target
        self.channels = channels; self.controls = controls; self.geo = geo
    }
}

/// Reads and validates a national weekly history. Every refusal names the file, the line and the
/// column, and says what was expected.
public enum DatasetLoader {
    /// - Parameter minimumRows: fewest periods the model can be fitted on.
    public static func load(_ spec: DataSpecification, minimumRows: Int) throws -> Dataset {
        let file = spec.file
        guard FileManager.default.fileExists(atPath: file) else {
            throw InputError(.missingFile, "\(file): no such file (named by data.file)")
        }
        guard let bytes = FileManager.default.contents(atPath: file) else {
            throw InputError(.missingFile, "\(file): cannot be read")
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw InputError(.data, "\(file): is not UTF-8 text (expected a CSV file)")
        }
        if spec.geo != nil {
            throw InputError(.configuration, "\(file): data.geo (geo-level data) is not supported yet; aggregate to national weekly rows")
        }
        let table = try CSVTable(text: text, file: file)
        var seen = Set<String>()
        for name in table.header {
            if !seen.insert(name).inserted { throw InputError(.data, "\(file): line 1: column '\(name)' appears twice in the header") }
        }
        func column(_ name: String, role: String) throws -> Int {
            if let i = table.header.firstIndex(of: name) { return i }
            throw InputError(.data, "\(file): line 1: no column '\(name)' (named by \(role))\(suggestion(name, in: table.header)); the header has: \(table.header.joined(separator: ", "))")
        }
        let dateColumn = try column(spec.date, role: "data.date")
        let targetColumn = try column(spec.target, role: "data.target")
        let channelColumns = try spec.channels.map { try column($0, role: "data.channels") }
        let controlColumns = try spec.controls.map { try column($0, role: "data.controls") }
        if spec.channels.isEmpty { throw InputError(.configuration, "data.channels: at least one spend column is needed") }
        guard !table.records.isEmpty else {
            throw InputError(.data, "\(file): has a header but no data rows (expected one row per week)")
        }

        var dates: [String] = []
        var days: [Int] = []
        var lines: [Int] = []
        var target: [Double] = []
        var spend = [[Double]](repeating: [], count: spec.channels.count)
        var controls = [[Double]](repeating: [], count: spec.controls.count)
        for record in table.records {
            let line = record.line
            guard record.fields.count == table.header.count else {
                throw InputError(.data, "\(file): line \(line): \(record.fields.count) fields, the header has \(table.header.count)")
            }
            func number(_ col: Int, nonNegative: Bool) throws -> Double {
                let raw = record.fields[col].trimmingCharacters(in: .whitespaces)
                let name = table.header[col]
                guard !raw.isEmpty else { throw InputError(.data, "\(file): line \(line), column '\(name)': empty cell (expected a number)") }
                guard let value = Double(raw.replacingOccurrences(of: "_", with: "")) else {
                    throw InputError(.data, "\(file): line \(line), column '\(name)': '\(raw)' is not a number")
                }
                guard value.isFinite else {
                    throw InputError(.data, "\(file): line \(line), column '\(name)': \(raw) is not a finite number")
                }
                if nonNegative, value < 0 {
                    throw InputError(.data, "\(file): line \(line), column '\(name)': spend \(raw) is negative (expected ≥ 0)")
                }
                return value
            }
            let rawDate = record.fields[dateColumn].trimmingCharacters(in: .whitespaces)
            guard let day = isoDay(rawDate) else {
                throw InputError(.data, "\(file): line \(line), column '\(spec.date)': '\(rawDate)' is not an ISO date (expected YYYY-MM-DD)")
            }
            dates.append(rawDate); days.append(day); lines.append(line)
            target.append(try number(targetColumn, nonNegative: false))
            for (c, col) in channelColumns.enumerated() { spend[c].append(try number(col, nonNegative: true)) }
            for (j, col) in controlColumns.enumerated() { controls[j].append(try number(col, nonNegative: false)) }
        }
        // Order first (a swapped pair would otherwise read as a gap), then duplicates, then spacing.
        let column = spec.date
        if let i = (1..<max(days.count, 1)).first(where: { days[$0] < days[$0 - 1] }) {
            throw InputError(.data, "\(file): line \(lines[i]), column '\(column)': \(dates[i]) comes before \(dates[i - 1]) on the line above (expected rows sorted by date)")
        }
        if let i = (1..<max(days.count, 1)).first(where: { days[$0] == days[$0 - 1] }) {
            throw InputError(.data, "\(file): line \(lines[i]), column '\(column)': date \(dates[i]) appears twice")
        }
        if days.count >= 3, let i = (2..<days.count).first(where: { days[$0] - days[$0 - 1] != days[1] - days[0] }) {
            throw InputError(.data, "\(file): line \(lines[i]), column '\(column)': \(dates[i]) is \(days[i] - days[i - 1]) days after \(dates[i - 1]), but the rows start \(days[1] - days[0]) days apart (expected one row per period, none missing)")
        }
        for (c, series) in spend.enumerated() where series.allSatisfy({ $0 == 0 }) {
            throw InputError(.data, "\(file): column '\(spec.channels[c])': the channel has no spend in any row (a curve cannot be learned; drop it from data.channels)")
        }
        guard dates.count >= minimumRows else {
            throw InputError(.data, "\(file): \(dates.count) rows; the model needs at least \(minimumRows) periods")
        }
        return Dataset(dates: dates, targetName: spec.target, target: target, channels: spec.channels, spend: spend,
                       controlNames: spec.controls, controls: controls)
    }

    /// Days since 1970-01-01 for a strict YYYY-MM-DD date, or nil.
    static func isoDay(_ text: String) -> Int? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1 else { return nil }
        let monthDays = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d <= monthDays[m - 1] else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
