import Foundation
import Testing
@testable import Planning

@Suite struct CSVTests {
    @Test func quotesBOMAndCRLF() throws {
        let text = "\u{FEFF}week,\"re,venue\",tv\r\n2024-01-01,\"1,5\",3\r\n2024-01-08,\"say \"\"hi\"\"\",\"a\nb\"\r\n"
        let t = try CSVTable(text: text, file: "f.csv")
        #expect(t.header == ["week", "re,venue", "tv"])
        #expect(t.records.count == 2)
        #expect(t.records[0].fields == ["2024-01-01", "1,5", "3"])
        #expect(t.records[1].fields == ["2024-01-08", "say \"hi\"", "a\nb"])
        #expect(t.records[1].line == 3)
    }

    @Test func unterminatedQuoteIsRefused() {
        let e = inputError { _ = try CSVTable(text: "a,b\n1,\"2\n", file: "f.csv") }
        #expect(e?.kind == .data)
        #expect(e?.message.contains("never closed") == true)
    }
}

@Suite struct DatasetLoaderTests {
    let header = "week,revenue,tv,search,price"
    let spec = { (file: String) in
        DataSpecification(file: file, date: "week", target: "revenue", channels: ["tv", "search"], controls: ["price"])
    }

    func rows(_ n: Int, start: Int = 0) -> [String] {
        (0..<n).map { i in
            let date = isoDate(days: 19723 + 7 * (i + start))  // from 2024-01-01
            return "\(date),\(1000 + i),\(10 + i % 3),\(5 + i % 2),1.0"
        }
    }

    func isoDate(days: Int) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date(timeIntervalSince1970: Double(days) * 86400))
    }

    @Test func goodFileLoads() throws {
        let dir = temporaryFolder()
        let path = write(([header] + rows(30)).joined(separator: "\n"), "ok.csv", in: dir)
        let d = try DatasetLoader.load(spec(path), minimumRows: 10)
        #expect(d.periods == 30)
        #expect(d.spend.count == 2 && d.spend[0][1] == 11)
        #expect(d.dates[0] == "2024-01-01")
    }

    /// Each bad input: what to write, the error kind, and a fragment the message must contain.
    static let badInputs: [(name: String, kind: InputError.Kind, fragment: String)] = [
        ("missing file", .missingFile, "no such file"),
        ("empty file", .data, "empty"),
        ("header only", .data, "no data rows"),
        ("text in a number", .data, "line 4, column 'tv': 'abc' is not a number"),
        ("NaN", .data, "line 3, column 'revenue': NaN is not a finite number"),
        ("infinity", .data, "is not a finite number"),
        ("negative spend", .data, "line 5, column 'search': spend -2 is negative"),
        ("duplicate date", .data, "appears twice"),
        ("unsorted dates", .data, "expected rows sorted by date"),
        ("irregular dates", .data, "none missing"),
        ("bad date", .data, "is not an ISO date"),
        ("unknown column", .data, "no column 'tvv'"),
        ("channel without spend", .data, "has no spend in any row"),
        ("too few rows", .data, "needs at least 10"),
        ("short row", .data, "fields, the header has"),
    ]

    @Test(arguments: badInputs.map(\.name))
    func badInputIsRefused(name: String) throws {
        let dir = temporaryFolder()
        var lines = [header] + rows(30)
        var s = spec(dir.appendingPathComponent("data.csv").path)
        switch name {
        case "missing file": s.file = dir.appendingPathComponent("none.csv").path
        case "empty file": lines = []
        case "header only": lines = [header]
        case "text in a number": lines[3] = lines[3].replacingOccurrences(of: ",10,", with: ",abc,").replacingOccurrences(of: ",11,", with: ",abc,").replacingOccurrences(of: ",12,", with: ",abc,")
        case "NaN": lines[2] = lines[2].replacingOccurrences(of: ",1001,", with: ",NaN,")
        case "infinity": lines[2] = lines[2].replacingOccurrences(of: ",1001,", with: ",inf,")
        case "negative spend":
            var f = lines[4].split(separator: ",").map(String.init); f[3] = "-2"; lines[4] = f.joined(separator: ",")
        case "duplicate date": lines[6] = lines[5]
        case "unsorted dates": lines.swapAt(5, 6)
        case "irregular dates": lines.remove(at: 8)
        case "bad date": lines[3] = "2024-13-01" + lines[3].drop { $0 != "," }
        case "unknown column": s.channels = ["tvv", "search"]
        case "channel without spend":
            lines = [header] + rows(30).map { var f = $0.split(separator: ",").map(String.init); f[3] = "0"; return f.joined(separator: ",") }
        case "too few rows": lines = [header] + rows(5)
        case "short row": lines[7] = "2024-02-12,1"
        default: Issue.record("unknown case \(name)")
        }
        if name != "missing file" { write(lines.joined(separator: "\n"), "data.csv", in: dir) }
        let expected = Self.badInputs.first { $0.name == name }!
        let e = inputError { _ = try DatasetLoader.load(s, minimumRows: 10) }
        #expect(e?.kind == expected.kind, "\(name): \(String(describing: e))")
        #expect(e?.message.contains(expected.fragment) == true, "\(name): \(e?.message ?? "no error")")
        #expect(e?.message.contains(s.file) == true, "\(name): the message names the file")
    }

    @Test func isoDaysAreExact() {
        #expect(DatasetLoader.isoDay("1970-01-01") == 0)
        #expect(DatasetLoader.isoDay("2024-02-29") == 19782)
        #expect(DatasetLoader.isoDay("2023-02-29") == nil)
        #expect(DatasetLoader.isoDay("2024-1-01") == nil)
    }
}
