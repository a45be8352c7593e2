import Foundation
import MediaModel
import Sampling
import Testing
@testable import Planning

/// What a user hits on real data: spreadsheet columns, hidden characters, odd names, amounts.
@Suite struct SmallThingsTests {
    @Test func trailingEmptyColumnsFromSpreadsheetsAreIgnored() throws {
        let t = try CSVTable(text: "week,revenue,tv,,\n2024-01-01,1,2,,\n2024-01-08,3,4,,\n2024-01-15,5,6\n", file: "f.csv")
        #expect(t.header == ["week", "revenue", "tv"])
        #expect(t.records.map(\.fields) == [["2024-01-01", "1", "2"], ["2024-01-08", "3", "4"], ["2024-01-15", "5", "6"]])
        // A column with a value in it stays, named or not: the loader then says what is wrong.
        let kept = try CSVTable(text: "week,revenue,\n2024-01-01,1,x\n", file: "f.csv")
        #expect(kept.header == ["week", "revenue", ""])
    }

    @Test func aNULInACSVIsRefusedWhereItIs() {
        let e = inputError { _ = try CSVTable(text: "week,tv\n2024-01-01,0.1\u{0}9\n", file: "f.csv") }
        #expect(e?.kind == .data && e?.message == "f.csv: line 2, column 'tv': '0.1<U+0000>9' holds a NUL character (is the file binary or corrupt?)", "\(String(describing: e))")
    }

    @Test func hiddenCharactersAreShownEscaped() {
        let e = InputError(.data, "no column 'tv\u{A0}' (did you mean 'tv'?); cell '\u{0}1' and 'a\u{200B}b', tab\there")
        #expect(e.message == "no column 'tv<U+00A0>' (did you mean 'tv'?); cell '<U+0000>1' and 'a<U+200B>b', tab<U+0009>here")
        #expect(escapedForMessage("plain text, é and — stay") == "plain text, é and — stay")
    }

    @Test func everyNameGetsASafeFolder() {
        #expect(folderName(for: "Q1 2027 plan") == "q1-2027-plan")
        #expect(folderName(for: "  Été / Q1 ") == "été-q1")
        for name in ["!!!", "—", "...", "/", "../.."] {
            let folder = folderName(for: name)
            #expect(folder.hasPrefix("scenario-") && folder.count > 9 && !folder.contains("/") && !folder.contains("."), "\(name) → \(folder)")
        }
        #expect(folderName(for: "!!!") != folderName(for: "???"))
        #expect(folderName(for: String(repeating: "a", count: 500)).count == 60)
    }

    @Test func amountsAreCheckedAtTheEdges() {
        #expect(parseAmount("$2M") == 2e6 && parseAmount("2_000_000") == 2e6 && parseAmount("250k") == 250e3)
        #expect(parseAmount("1e15") == 1e15)
        for bad in ["1e16", "1e30", "nan", "inf", "-1", "0x10", "", "$", "M", "1.5.2", "2MM"] { #expect(parseAmount(bad) == nil, "\(bad)") }
        #expect(parseShare("150%") == 1.5 && parseShare("0.5") == 0.5)
        for bad in ["1e20", "nan", "inf", "-5%", "x"] { #expect(parseShare(bad) == nil, "\(bad)") }
        #expect(money(1e30).hasPrefix("1,000,000,000,000,000,019,884,624,838,656") && money(-9.3e18).hasPrefix("-9,300,000,000,000,000,000"))
        #expect(money(.infinity) == "n/a" && money(1234567) == "1,234,567")
    }

    @Test func targetKindIsReadAndChecked() throws {
        let dir = temporaryFolder()
        func load(_ kind: String?) throws -> Scenario {
            let extra = kind.map { ", target_kind: \($0)" } ?? ""
            return try Scenario.load(path: write("data: {file: d.csv, date: week, target: orders, channels: [tv]\(extra)}\n", "s.yaml", in: dir))
        }
        #expect(try load(nil).data.targetKind == .revenue && load("units").data.targetKind == .units)
        #expect(TargetKind.units.returnLabel == "per unit of spend" && TargetKind.revenue.returnLabel == "ROAS")
        let e = inputError { _ = try load("unit") }
        #expect(e?.kind == .configuration && e?.message.contains("did you mean 'units'") == true, "\(String(describing: e))")
    }

    @Test func tailESSTakesTheTailProbabilities() {
        var rng = SeededGenerator(seed: 11, stream: 0)
        let chains = (0..<4).map { _ in (0..<400).map { _ in rng.normal() } }
        #expect(Diagnostics.essTail(chains) == Diagnostics.essTail(chains, probabilities: (0.05, 0.95)))
        #expect(Diagnostics.essTail(chains) != Diagnostics.essTail(chains, probabilities: (0.1, 0.9)))
    }
}
