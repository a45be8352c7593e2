import Foundation
import Testing
@testable import Planning

/// The plan report as a reader's browser shows it: a small plan on the bundled example, rendered
/// by headless Chromium. Every section must be in the rendered DOM, every chart must have drawn
/// marks, and the page must make no network request and log nothing to the console; it must also
/// print to a PDF. A screenshot of the first screen and the PDF are left in `.build/report-check/`
/// for people to look at.
@Suite(.serialized) struct BrowserReportTests {
    static let root = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let skipNotice: Comment = "Chromium is not installed (make test installs Debian's chromium): the browser check of report.html is skipped"

    /// Every section a plan report with what-ifs and lift tests has, in page order.
    static let planSections = ["recommendation", "allocation", "uplift", "marginal-roas", "what-ifs", "experiments", "optimality",
                               "headline", "actual-vs-fitted", "contributions", "roas", "response-curves", "adstock",
                               "diagnostics", "lift-tests"]

    @Test(.enabled(if: Chromium.installed != nil, skipNotice))
    func planReportRendersWithEverySectionAndNoRequest() throws {
        let dir = temporaryFolder()
        let data = Self.root.appendingPathComponent("Examples/data")
        let scenario = write("""
            name: q1 plan
            data: {file: \(data.appendingPathComponent("weekly.csv").path), date: week, target: revenue,
                   channels: [tv, search, social, youtube, display], controls: [price_index, holiday]}
            model: {adstock: {type: geometric, max_lag: 8}, saturation: hill, lift_tests: \(data.appendingPathComponent("lift.csv").path)}
            sampler: {chains: 2, warmup: 150, draws: 100, seed: 3}
            plan: {horizon: 13, budget: 4M}
            what_if:
              - name: Move $500k from TV to YouTube
                move: {amount: 500k, from: tv, to: youtube}
            """, "report-check.yaml", in: dir)
        let out = dir.appendingPathComponent("plan")
        let run = try runMixPlan(["plan", scenario, "--out", out.path, "--quiet", "--allow-unconverged"], cache: dir.appendingPathComponent("cache"))
        #expect(run.code == 0, "\(run.stderr)")
        let page = out.appendingPathComponent("report.html")
        let written = try Data(contentsOf: page)

        // `mixplan report DIR` rebuilds the same page from report.json alone.
        try FileManager.default.removeItem(at: page)
        let rebuilt = try runMixPlan(["report", out.path])
        #expect(rebuilt.code == 0, "\(rebuilt.stderr)")
        #expect(try Data(contentsOf: page) == written, "the rebuilt page differs from the one plan wrote")

        let check = Self.root.appendingPathComponent(".build/report-check")
        try FileManager.default.createDirectory(at: check, withIntermediateDirectories: true)
        let screenshot = check.appendingPathComponent("report.png")
        try? FileManager.default.removeItem(at: screenshot)
        let r = try Chromium.installed!.render(page, screenshot: screenshot)

        for id in Self.planSections { #expect(r.dom.contains("<section id=\"\(id)\""), "section \(id) missing from the rendered DOM") }
        let charts = Self.charts(in: r.dom)
        #expect(charts.count >= 25, "only \(charts.count) charts rendered")
        #expect(charts.count == r.dom.components(separatedBy: "<figure class=\"chart-figure\"").count - 1, "a figure without its chart")
        for (id, marks) in charts { #expect(marks > 0, "chart \(id) has no drawn marks") }
        #expect(r.requests.isEmpty, "the page asked the network for \(r.requests)")
        #expect(r.console.isEmpty, "the page logged \(r.console)")

        // The screenshot is a real image of the first screen, not an empty file.
        let png = try Data(contentsOf: screenshot)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && png.count > 20_000, "screenshot of \(png.count) bytes")
        // Printed, it is a PDF of several pages (the print styles keep figures whole).
        let pdf = check.appendingPathComponent("report.pdf")
        try? FileManager.default.removeItem(at: pdf)
        try Chromium.installed!.printPDF(page, to: pdf)
        let printed = try Data(contentsOf: pdf)
        let pages = String(decoding: printed, as: UTF8.self).components(separatedBy: "/Type /Page").count - 1
            - (String(decoding: printed, as: UTF8.self).components(separatedBy: "/Type /Pages").count - 1)
        #expect(printed.prefix(5) == Data("%PDF-".utf8) && pages >= 5, "a PDF of \(printed.count) bytes and \(pages) pages")
        try? FileManager.default.removeItem(at: check.appendingPathComponent("report.html"))
        try FileManager.default.copyItem(at: page, to: check.appendingPathComponent("report.html"))
        print("report check: screenshot \(screenshot.path), page \(check.appendingPathComponent("report.html").path)")
    }

    /// The checks above can fail: a page that fetches an image and logs an error is caught, and a
    /// chart with nothing drawn counts zero marks.
    @Test(.enabled(if: Chromium.installed != nil, skipNotice))
    func checksCatchARequestAConsoleErrorAndAnEmptyChart() throws {
        let dir = temporaryFolder()
        let page = dir.appendingPathComponent("bad.html")
        write("""
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>bad</title></head><body>
            <img src="http://127.0.0.1:9/pixel.png" alt=""><script>console.error("boom")</script></body></html>
            """, "bad.html", in: dir)
        let r = try Chromium.installed!.render(page, screenshot: dir.appendingPathComponent("bad.png"), width: 200, height: 200)
        #expect(r.requests == ["http://127.0.0.1:9/pixel.png"])
        #expect(r.console.contains { $0.contains("boom") })
        let empty = "<svg class=\"chart\" viewBox=\"0 0 10 10\"><title id=\"x-title\">x</title><g class=\"marks\"></g></svg>"
        #expect(Self.charts(in: empty).map(\.marks) == [0])
    }

    /// Each rendered chart's id and how many of its marks have a visible shape: a path through two
    /// points or more, a rectangle or circle of positive size, or a line.
    static func charts(in dom: String) -> [(id: String, marks: Int)] {
        dom.components(separatedBy: "<svg class=\"chart\"").dropFirst().map { chunk in
            let svg = chunk.components(separatedBy: "</svg>").first ?? ""
            let id = svg.range(of: "<title id=\"").map { String(svg[$0.upperBound...].prefix { $0 != "\"" }) } ?? "?"
            let elements = svg.components(separatedBy: "<").dropFirst().filter { $0.contains("class=\"mark ") }
            let drawn = elements.filter { element in
                func number(_ name: String) -> Double {
                    guard let r = element.range(of: " \(name)=\"") else { return 0 }
                    return Double(element[r.upperBound...].prefix { $0 != "\"" }) ?? 0
                }
                if element.hasPrefix("path") { return element.contains(" d=\"M") && element.contains("L") }
                if element.hasPrefix("rect") { return number("width") > 0 && number("height") > 0 }
                if element.hasPrefix("circle") { return number("r") > 0 }
                return element.hasPrefix("line")
            }
            return (id, drawn.count)
        }
    }
}
