import Foundation
import Testing
@testable import Planning

/// The report's pieces: number formats, scales, the page's self-containment, and rebuilding.
@Suite struct ReportTests {
    @Test func moneyReadsLikeABudget() {
        #expect(ReportFormat.money(1_286_475) == "$1.29M")
        #expect(ReportFormat.money(610_000) == "$610k")
        #expect(ReportFormat.money(-50_910) == "−$50.9k")
        #expect(ReportFormat.money(4_000_000) == "$4M")
        #expect(ReportFormat.money(950) == "$950")
        #expect(ReportFormat.signedMoney(310_000) == "+$310k")
        // An unchanged plan's gain is float noise either side of 0: it reads $0, never −$0.
        #expect(ReportFormat.money(-6.6e-11) == "$0" && ReportFormat.signedMoney(-6.6e-11) == "+$0")
        #expect(ReportFormat.signedMoney(-3) == "−$3")
    }

    @Test func ticksFallOnRoundNumbersInOneUnit() {
        let scale = NiceScale(0, 2_300_000, ticks: 5)
        #expect(scale.step == 500_000 && scale.lower == 0 && scale.upper == 2_500_000)
        let labels = scale.ticks.map { ReportFormat.tick($0, format: .currency, step: scale.step, magnitude: scale.upper) }
        #expect(labels == ["$0", "$0.5M", "$1M", "$1.5M", "$2M", "$2.5M"])
        let share = NiceScale(0, 0.083, ticks: 4)
        #expect(share.ticks.map { ReportFormat.tick($0, format: .percent, step: share.step, magnitude: share.upper) } == ["0%", "5%", "10%"])
        #expect(NiceScale(5, 5).upper > NiceScale(5, 5).lower)
    }

    static let sample = Report(title: "T <&> \"q\"", subtitle: "s", sections: [
        ReportSection(id: "one", title: "One", blocks: [
            .callout("Move $1M."),
            .charts([Chart(id: "chart-a", title: "A", description: "d",
                           x: ChartAxis(label: "Week", format: .integer, dates: ["2024-01-01", "2024-01-08", "2024-01-15"]),
                           y: ChartAxis(label: "Revenue ($)", format: .currency, includeZero: true),
                           marks: [ChartMark(.area, name: "band", x: [0, 1, 2], lower: [1, 2, 3], upper: [2, 3, .nan], colour: 0),
                                   ChartMark(.line, name: "mean", x: [0, 1, 2], y: [1.5, 2.5, 3.5], colour: 0)],
                           table: ReportTable(caption: "c", header: ["a", "b"], rows: [["1", "2"]]))]),
        ]),
    ])

    @Test func pageIsSelfContainedAndEscaped() {
        let html = Self.sample.html
        #expect(html.contains("<title>T &lt;&amp;&gt; &quot;q&quot;</title>"))
        #expect(html.contains("<section id=\"one\"") && html.contains("class=\"mark mark-line\"") && html.contains("<table class=\"data-table\">"))
        // Nothing that could fetch: no script, no external stylesheet or image, no url(); the only
        // URL is the SVG namespace, which names and never loads.
        for forbidden in ["<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "https:"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        #expect(html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http:") == false)
        #expect(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"))
    }

    @Test func reportJSONRoundTripsToTheSamePage() throws {
        let dir = temporaryFolder()
        try OutputFolder.write(ReportFile.files(Self.sample), to: dir.path)
        let loaded = try ReportFile.load(folder: dir.path)
        #expect(loaded.html == Self.sample.html)
        #expect(inputError { _ = try ReportFile.load(folder: dir.appendingPathComponent("none").path) }?.kind == .missingFile)
    }
}
