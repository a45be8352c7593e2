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
    /// Column naming each row's geo: the file is then long format, one row per (date, geo).
    public var geo: String?
    /// Column of each geo's population (geo data only; constant within a geo, positive).
    public var population: String?
    /// What the target measures (default revenue).
    public var targetKind: TargetKind

    public init(file: String, date: String, target: String, channels: [String], controls: [String] = [], geo: String? = nil,
                population: String? = nil, targetKind: TargetKind = .revenue) {
        self.file = file; self.date = date; self.target = target
        self.channels = channels; self.controls = controls; self.geo = geo
        self.population = population; self.targetKind = targetKind
    }
}

/// Reads and validates a history: national (one row per period) or long-format geo data (one row
/// per (date, geo), every geo with the same dates, rows in any order). Periods are a fixed number
/// of days apart (weekly, daily…) or calendar months. Every refusal names the file, the line and
/// the column, and says what was expected.
public enum DatasetLoader {
    /// The largest magnitude of any number in a data file. Beyond it sums over the history, money
    /// formatting and the model's scaled arithmetic lose their footing, so such a value is refused
    /// as data (exit 65) rather than failing later inside the sampler; 1e15 is still a thousand
    /// times a large national advertiser's yearly revenue in any currency.
    public static let largestValue = 1e15
    /// The least a spend column's or the target's largest magnitude may be. Far smaller scales
    /// (around 1e-190) overflow the model's ratios of target to spend; anything below 1e-9 is a
    /// column in the wrong unit or rounding residue, not a history to learn from.
    public static let smallestScale = 1e-9

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
        if spec.population != nil, spec.geo == nil {
            throw InputError(.configuration, "data.population: a population column needs data.geo (long-format geo data, one row per date and geo)")
        }
        if let geo = spec.geo {
            let roles = [("data.date", [spec.date]), ("data.target", [spec.target]), ("data.channels", spec.channels),
                         ("data.controls", spec.controls), ("data.population", spec.population.map { [$0] } ?? [])]
            if let clash = roles.first(where: { $0.1.contains(geo) }) {
                throw InputError(.configuration, "data.geo: column '\(geo)' is also named by \(clash.0) (expected the column of geo names)")
            }
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
        let geoColumn = try spec.geo.map { try column($0, role: "data.geo") }
        let populationColumn = try spec.population.map { try column($0, role: "data.population") }
        if spec.channels.isEmpty { throw InputError(.configuration, "data.channels: at least one spend column is needed") }
        guard !table.records.isEmpty else {
            throw InputError(.data, "\(file): has a header but no data rows (expected one row per \(spec.geo == nil ? "week" : "date and geo"))")
        }

        var rows: [Row] = []
        rows.reserveCapacity(table.records.count)
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
                guard abs(value) <= largestValue else {
                    throw InputError(.data, "\(file): line \(line), column '\(name)': \(raw) is beyond ±1e15, the largest value MixPlan handles (expected the column in a larger unit, e.g. thousands)")
                }
                return value
            }
            let rawDate = record.fields[dateColumn].trimmingCharacters(in: .whitespaces)
            guard let day = isoDay(rawDate) else {
                throw InputError(.data, "\(file): line \(line), column '\(spec.date)': '\(rawDate)' is not an ISO date (expected YYYY-MM-DD)")
            }
            var geo = ""
            if let g = geoColumn {
                geo = record.fields[g].trimmingCharacters(in: .whitespaces)
                guard !geo.isEmpty else {
                    throw InputError(.data, "\(file): line \(line), column '\(table.header[g])': empty geo name (expected the name of the row's geo)")
                }
            }
            var population: Double?
            if let p = populationColumn {
                let value = try number(p, nonNegative: false)
                guard value > 0 else {
                    throw InputError(.data, "\(file): line \(line), column '\(table.header[p])': population \(record.fields[p].trimmingCharacters(in: .whitespaces)) is not positive (expected the geo's population, > 0)")
                }
                population = value
            }
            rows.append(Row(line: line, date: rawDate, day: day, geo: geo,
                            target: try number(targetColumn, nonNegative: false),
                            spend: try channelColumns.map { try number($0, nonNegative: true) },
                            controls: try controlColumns.map { try number($0, nonNegative: false) },
                            population: population))
        }
        let dataset = spec.geo == nil
            ? try national(rows, spec: spec, minimumRows: minimumRows)
            : try geo(rows, spec: spec, minimumRows: minimumRows)
        return dataset
    }

    /// One data row as read, before the rows are arranged into periods (and geos).
    struct Row {
        var line: Int
        var date: String
        var day: Int
        var geo: String
        var target: Double
        var spend: [Double]
        var controls: [Double]
        var population: Double?
    }

    /// National data: the rows are the periods, in file order, which must be date order.
    static func national(_ rows: [Row], spec: DataSpecification, minimumRows: Int) throws -> Dataset {
        let file = spec.file, column = spec.date
        let dates = rows.map(\.date), days = rows.map(\.day), lines = rows.map(\.line)
        // Order first (a swapped pair would otherwise read as a gap), then duplicates, then spacing.
        if let i = (1..<max(days.count, 1)).first(where: { days[$0] < days[$0 - 1] }) {
            throw InputError(.data, "\(file): line \(lines[i]), column '\(column)': \(dates[i]) comes before \(dates[i - 1]) on the line above (expected rows sorted by date)")
        }
        if let i = (1..<max(days.count, 1)).first(where: { days[$0] == days[$0 - 1] }) {
            throw InputError(.data, "\(file): line \(lines[i]), column '\(column)': date \(dates[i]) appears twice")
        }
        let cadence: Cadence
        switch detectCadence(dates: dates, days: days) {
        case .success(let c): cadence = c
        case .failure(let f): throw InputError(.data, "\(file): line \(lines[f.index]), column '\(column)': \(f.reason)")
        }
        let spend = spec.channels.indices.map { c in rows.map { $0.spend[c] } }
        for (c, series) in spend.enumerated() where series.allSatisfy({ $0 == 0 }) {
            throw InputError(.data, "\(file): column '\(spec.channels[c])': the channel has no spend in any row (a curve cannot be learned; drop it from data.channels)")
        }
        guard dates.count >= minimumRows else {
            throw InputError(.data, "\(file): \(dates.count) rows; the model needs at least \(minimumRows) periods")
        }
        let target = rows.map(\.target)
        try refuseConstantTarget(target, spec: spec, where: "row")
        try refuseTinyScales(target: target, largestSpend: spend.map { $0.max() ?? 0 }, spec: spec)
        return Dataset(dates: dates, targetName: spec.target, target: target, channels: spec.channels, spend: spend,
                       controlNames: spec.controls, controls: spec.controls.indices.map { j in rows.map { $0.controls[j] } },
                       cadence: cadence, targetKind: spec.targetKind)
    }

    /// Long-format geo data: rows in any order, grouped by geo (in order of first appearance)
    /// and sorted by date; every geo must have every date exactly once.
    static func geo(_ rows: [Row], spec: DataSpecification, minimumRows: Int) throws -> Dataset {
        let file = spec.file, dateColumn = spec.date, geoColumn = spec.geo ?? "geo"
        var geoNames: [String] = []
        var geoIndex: [String: Int] = [:]
        // First row of each (geo, day), so a duplicate can name both lines.
        var firstRow: [Int: [Int: Int]] = [:]
        // First line of each date, to point at when the date is the problem.
        var firstLineOfDay: [Int: (line: Int, geo: String, date: String)] = [:]
        for (r, row) in rows.enumerated() {
            let g: Int
            if let known = geoIndex[row.geo] { g = known } else {
                g = geoNames.count; geoIndex[row.geo] = g; geoNames.append(row.geo)
            }
            if let earlier = firstRow[g]?[row.day] {
                throw InputError(.data, "\(file): line \(row.line), column '\(dateColumn)': date \(row.date) of geo '\(row.geo)' appears twice (first on line \(rows[earlier].line); expected one row per date and geo)")
            }
            firstRow[g, default: [:]][row.day] = r
            if firstLineOfDay[row.day] == nil { firstLineOfDay[row.day] = (row.line, row.geo, row.date) }
        }
        let days = firstLineOfDay.keys.sorted()
        let dates = days.map { firstLineOfDay[$0]!.date }
        // A geo missing a date is named with a line that has the date, so the user can see it.
        for (g, name) in geoNames.enumerated() {
            let own = firstRow[g]!
            guard own.count < days.count else { continue }
            let missing = days.first { own[$0] == nil }!
            let witness = firstLineOfDay[missing]!
            throw InputError(.data, "\(file): column '\(geoColumn)': geo '\(name)' has no row for \(witness.date) (line \(witness.line) has it for geo '\(witness.geo)'; expected every geo to have the same dates)")
        }
        let cadence: Cadence
        switch detectCadence(dates: dates, days: days) {
        case .success(let c): cadence = c
        case .failure(let f):
            throw InputError(.data, "\(file): line \(firstLineOfDay[days[f.index]]!.line), column '\(dateColumn)': \(f.reason) (over all geos)")
        }

        let G = geoNames.count, T = days.count, C = spec.channels.count, K = spec.controls.count
        let period = Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1, $0) })
        var target = GeoArray(geos: G, periods: T, width: 1)
        var spend = GeoArray(geos: G, periods: T, width: C)
        var controls = GeoArray(geos: G, periods: T, width: K)
        var population: [Double]? = spec.population == nil ? nil : Array(repeating: 0, count: G)
        var populationLine = [Int](repeating: 0, count: G)
        for row in rows {
            let g = geoIndex[row.geo]!, t = period[row.day]!
            target[g, t, 0] = row.target
            for c in 0..<C { spend[g, t, c] = row.spend[c] }
            for k in 0..<K { controls[g, t, k] = row.controls[k] }
            if let p = row.population, let column = spec.population {
                if populationLine[g] == 0 {
                    population![g] = p; populationLine[g] = row.line
                } else if population![g] != p {
                    throw InputError(.data, "\(file): line \(row.line), column '\(column)': population \(csvNumber(p)) of geo '\(row.geo)' differs from \(csvNumber(population![g])) on line \(populationLine[g]) (expected one population per geo, the same on every row)")
                }
            }
        }
        for c in 0..<C where !(0..<G).contains(where: { g in (0..<T).contains { spend[g, $0, c] != 0 } }) {
            throw InputError(.data, "\(file): column '\(spec.channels[c])': the channel has no spend in any row of any geo (a curve cannot be learned; drop it from data.channels)")
        }
        guard T >= minimumRows else {
            throw InputError(.data, "\(file): \(T) dates per geo; the model needs at least \(minimumRows) periods")
        }
        try refuseConstantTarget(target.values, spec: spec, where: "row of every geo")
        try refuseTinyScales(target: target.values, largestSpend: (0..<C).map { c in
            (0..<G).reduce(0) { m, g in (0..<T).reduce(m) { max($0, spend[g, $1, c]) } }
        }, spec: spec)
        // A geo whose target never moves has no noise to learn from (its scale would collapse).
        for g in 0..<G {
            let series = target.series(geo: g, 0)
            if T > 1, series.allSatisfy({ $0 == series[0] }) {
                throw InputError(.data, "\(file): column '\(spec.target)': geo '\(geoNames[g])' has the target \(csvNumber(series[0])) in every period (a constant target leaves nothing for the channels to explain; drop the geo)")
            }
        }
        return Dataset(dates: dates, targetName: spec.target, channels: spec.channels, controlNames: spec.controls,
                       geos: geoNames, population: population, target: target, spend: spend, controls: controls,
                       cadence: cadence, targetKind: spec.targetKind)
    }

    /// A target with one value everywhere cannot be explained by anything (and its scale is 0).
    static func refuseConstantTarget(_ values: [Double], spec: DataSpecification, where place: String) throws {
        guard values.count > 1, let first = values.first, values.allSatisfy({ $0 == first }) else { return }
        throw InputError(.data, "\(spec.file): column '\(spec.target)': the target is \(csvNumber(first)) in every \(place) (a constant target leaves nothing for the channels to explain; expected the target's actual values)")
    }

    /// A target or a channel whose largest magnitude is below `smallestScale` (but not zero).
    /// - Parameter largestSpend: each channel's largest spend, `[channels]`.
    static func refuseTinyScales(target: [Double], largestSpend: [Double], spec: DataSpecification) throws {
        let largestTarget = target.reduce(0) { max($0, abs($1)) }
        if largestTarget > 0, largestTarget < smallestScale {
            throw InputError(.data, "\(spec.file): column '\(spec.target)': the target is at most \(largestTarget) in magnitude, below \(smallestScale) (expected the target in a unit where its values are not vanishingly small)")
        }
        for (c, largest) in largestSpend.enumerated() where largest > 0 && largest < smallestScale {
            throw InputError(.data, "\(spec.file): column '\(spec.channels[c])': the largest spend is \(largest), below \(smallestScale) (expected amounts in currency; rescale the column)")
        }
    }

    // MARK: - Dates

    /// The cadence of distinct dates in increasing order, or the first date that breaks it (its
    /// index and why). Calendar months are tried first when the first step is 28–31 days, so a
    /// month-start or month-end series is monthly; otherwise every step must equal the first.
    static func detectCadence(dates: [String], days: [Int]) -> Result<Cadence, CadenceBreak> {
        guard days.count >= 2 else { return .success(.weekly) }
        let step = days[1] - days[0]
        // The first two dates a calendar month apart: the rows are monthly.
        if (28...31).contains(step), let i = firstNonMonthly(dates), i > 1 {
            if i == dates.count { return .success(.monthly) }
            return .failure(CadenceBreak(index: i, reason: "\(dates[i]) is not one calendar month after \(dates[i - 1]) (the rows are monthly; expected one row per month, none missing)"))
        }
        if days.count >= 3, let i = (2..<days.count).first(where: { days[$0] - days[$0 - 1] != step }) {
            return .failure(CadenceBreak(index: i, reason: "\(dates[i]) is \(days[i] - days[i - 1]) days after \(dates[i - 1]), but the rows start \(step) days apart (expected one row per period, none missing)"))
        }
        return .success(.days(step))
    }

    struct CadenceBreak: Error {
        var index: Int
        var reason: String
    }

    /// Index of the first date that is not one calendar month after the one before, or
    /// `dates.count` when every one is. A series keeps one day of the month — the later of the
    /// first two dates' days, so a series on the 30th may start in February and a month-end
    /// series has day 31 — clamped to each month's length.
    static func firstNonMonthly(_ dates: [String]) -> Int? {
        let parsed = dates.compactMap(civil)
        guard parsed.count == dates.count, parsed.count >= 2 else { return nil }
        let anchor = max(parsed[0].day, parsed[1].day)
        for i in 1..<parsed.count {
            let (a, b) = (parsed[i - 1], parsed[i])
            let consecutive = b.year * 12 + b.month == a.year * 12 + a.month + 1
            if !consecutive || b.day != min(anchor, daysIn(year: b.year, month: b.month)) { return i }
        }
        return dates.count
    }

    /// The ISO date `months` calendar months after `date`, on day `anchor` of its month clamped
    /// to the month's length (the rule `firstNonMonthly` checks), or nil for a malformed date.
    static func date(_ date: String, addingMonths months: Int, anchor: Int) -> String? {
        guard let d = civil(date) else { return nil }
        let index = d.year * 12 + (d.month - 1) + months
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        let month = index - year * 12 + 1
        return String(format: "%04d-%02d-%02d", year, month, min(anchor, daysIn(year: year, month: month)))
    }

    static func daysIn(year y: Int, month m: Int) -> Int {
        [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }

    /// Year, month and day of a strict YYYY-MM-DD date, or nil.
    static func civil(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= daysIn(year: y, month: m) else { return nil }
        return (y, m, d)
    }

    /// Days since 1970-01-01 for a strict YYYY-MM-DD date, or nil.
    static func isoDay(_ text: String) -> Int? {
        guard let (y, m, d) = civil(text) else { return nil }
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

/// YYYY-MM-DD for days since 1970-01-01 (civil calendar).
func isoDate(days: Int) -> String {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
    return String(format: "%04d-%02d-%02d", y, m, d)
}
