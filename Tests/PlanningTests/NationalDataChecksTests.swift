import Foundation
import MediaModel
import Testing
@testable import Planning

/// National files: what the loader checks, and calendar cadences.
@Suite struct NationalCadenceAndValueTests {
    let header = "date,revenue,tv,search"

    func load(_ rows: [String]) throws -> Dataset {
        let dir = temporaryFolder()
        let path = write(([header] + rows).joined(separator: "\n"), "data.csv", in: dir)
        return try DatasetLoader.load(DataSpecification(file: path, date: "date", target: "revenue", channels: ["tv", "search"]),
                                      minimumRows: 3)
    }

    func rows(_ dates: [String]) -> [String] { dates.enumerated().map { "\($1),\(1000 + 7 * $0 % 5),\(10 + $0 % 3),\(5 + $0 % 2)" } }

    /// `count` month starts (or month ends) from January 2023, independently of the loader's calendar.
    func months(_ count: Int, end: Bool = false) -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"; f.timeZone = TimeZone(identifier: "UTC")
        return (0..<count).map { m in
            let start = calendar.date(from: DateComponents(year: 2023, month: 1 + m, day: 1))!
            return f.string(from: end ? calendar.date(byAdding: DateComponents(month: 1, day: -1), to: start)! : start)
        }
    }

    @Test func calendarMonthsLoadAsMonthlyPeriods() throws {
        for end in [false, true] {
            let d = try load(rows(months(30, end: end)))
            #expect(d.cadence == .monthly, "month \(end ? "ends" : "starts")")
            #expect(d.periods == 30 && d.geos == ["national"] && !d.isGeo)
        }
        // A series on the 30th clamps to February's end and comes back.
        let thirties = ["2023-01-30", "2023-02-28", "2023-03-30", "2023-04-30", "2023-05-30"]
        #expect(try load(rows(thirties)).cadence == .monthly)
        // Four-weekly data (28 days each) stay a fixed step, not months.
        let fourWeekly = (0..<10).map { GeoFile.date(4 * $0) }
        #expect(try load(rows(fourWeekly)).cadence == .days(28))
        #expect(try load(rows((0..<10).map(GeoFile.date))).cadence == .weekly)
    }

    @Test func aMissingMonthIsNamed() throws {
        var dates = months(12)
        dates.remove(at: 5)  // 2023-06-01
        let e = inputError { _ = try load(rows(dates)) }
        #expect(e?.kind == .data)
        #expect(e?.message.contains("line 7, column 'date': 2023-07-01 is not one calendar month after 2023-05-01") == true, "\(e?.message ?? "no error")")
        // A mid-month date in a month-start series.
        var shifted = months(12)
        shifted[7] = "2023-08-15"
        let f = inputError { _ = try load(rows(shifted)) }
        #expect(f?.message.contains("line 9, column 'date': 2023-08-15 is not one calendar month after 2023-07-01") == true, "\(f?.message ?? "no error")")
    }

    @Test func aConstantTargetIsRefused() throws {
        let constant = (0..<10).map { "\(GeoFile.date($0)),500,\(10 + $0 % 3),4" }
        let e = inputError { _ = try load(constant) }
        #expect(e?.kind == .data)
        #expect(e?.message.contains("column 'revenue': the target is 500 in every row") == true, "\(e?.message ?? "no error")")
    }

    @Test(arguments: ["1e300", "1.7976931348623157e308", "2e15", "-3e16"])
    func extremeValuesAreRefusedNamingTheColumn(value: String) throws {
        var lines = rows((0..<10).map(GeoFile.date))
        var f = lines[4].split(separator: ",").map(String.init)
        // Spend must also be non-negative; a negative extreme goes in the target column.
        if value.hasPrefix("-") { f[1] = value } else { f[2] = value }
        lines[4] = f.joined(separator: ",")
        let e = inputError { _ = try load(lines) }
        #expect(e?.kind == .data)
        let column = value.hasPrefix("-") ? "revenue" : "tv"
        #expect(e?.message.contains("line 6, column '\(column)': \(value) is beyond ±1e15") == true, "\(e?.message ?? "no error")")
        // The largest value allowed still loads.
        f[value.hasPrefix("-") ? 1 : 2] = "1e15"
        lines[4] = f.joined(separator: ",")
        #expect(try load(lines).periods == 10)
    }

    /// Spend or a target so small that the model's ratios overflow (exit 70 before) is refused as data.
    @Test func vanishinglySmallScalesAreRefusedNamingTheColumn() throws {
        let dates = (0..<10).map(GeoFile.date)
        let tinySpend = dates.enumerated().map { "\($1),\(1000 + $0),\(Double($0 % 3 + 1) * 1e-200),4" }
        let e = inputError { _ = try load(tinySpend) }
        #expect(e?.kind == .data)
        #expect(e?.message.contains("column 'tv': the largest spend is 3e-200, below 1e-09") == true, "\(e?.message ?? "no error")")
        let tinyTarget = dates.enumerated().map { "\($1),\(Double($0 + 1) * 1e-12),\(10 + $0 % 3),4" }
        let f = inputError { _ = try load(tinyTarget) }
        #expect(f?.message.contains("column 'revenue': the target is at most 1e-11 in magnitude") == true, "\(f?.message ?? "no error")")
        // Small but sensible amounts (spend in millions) load.
        let millions = dates.enumerated().map { "\($1),\(1000 + $0),\(Double($0 % 3 + 1) * 0.01),4" }
        #expect(try load(millions).spend[0].max() == 0.03)
    }
}
