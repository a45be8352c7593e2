import Foundation

/// Text made safe for HTML and SVG, in content and in quoted attributes.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}

extension Report {
    /// The report as one self-contained HTML page: inline CSS and SVG, no script, and a content
    /// security policy that forbids every network request, so the page reads the same offline,
    /// in a mail attachment or printed.
    public var html: String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <title>\(HTML.escape(title))</title>
            <style>\(Report.css)</style>
            </head>
            <body>
            <header><h1>\(HTML.escape(title))</h1><p class="subtitle">\(HTML.escape(subtitle))</p>
            <nav aria-label="Sections"><ol>
            """
        for s in sections { page += "<li><a href=\"#\(HTML.escape(s.id))\">\(HTML.escape(s.title))</a></li>" }
        page += "</ol></nav></header>\n<main>\n"
        for s in sections {
            page += "<section id=\"\(HTML.escape(s.id))\" class=\"report-section\"><h2>\(HTML.escape(s.title))</h2>\n"
            for block in s.blocks { page += Report.render(block) + "\n" }
            page += "</section>\n"
        }
        page += "</main>\n<footer>Written by mixplan. Bands are the central 90% of the posterior draws unless a chart says otherwise. "
            + "Rebuild this page from the folder's report.json with <code>mixplan report DIR</code>.</footer>\n</body>\n</html>\n"
        return page
    }

    static func render(_ block: ReportBlock) -> String {
        switch block.kind {
        case .paragraph: return "<p>\(HTML.escape(block.text ?? ""))</p>"
        case .callout: return "<p class=\"callout\">\(HTML.escape(block.text ?? ""))</p>"
        case .table: return block.table.map { render($0, className: "report-table") } ?? ""
        case .charts:
            let charts = block.charts ?? []
            let small = charts.count > 1
            let figures = charts.map { figure($0, small: small) }.joined(separator: "\n")
            return small ? "<div class=\"multiples\">\n\(figures)\n</div>" : figures
        }
    }

    static func figure(_ chart: Chart, small: Bool) -> String {
        var out = "<figure class=\"chart-figure\" id=\"\(HTML.escape(chart.id))\"><figcaption><strong>\(HTML.escape(chart.title))</strong>"
        out += "<span class=\"chart-note\">\(HTML.escape(chart.description))</span></figcaption>"
        out += legend(chart.marks)
        out += SVGChart(chart, small: small).render()
        out += "<details class=\"data\"><summary>Data table</summary>\(render(chart.table, className: "data-table"))</details></figure>"
        return out
    }

    /// One entry per named series, with a swatch drawn like the mark.
    static func legend(_ marks: [ChartMark]) -> String {
        var seen = Set<String>(), items: [String] = []
        // A series with nothing to draw (no channel at a bound, say) has no legend entry.
        for m in marks where !m.name.isEmpty && !seen.contains(m.name) && !(m.x.isEmpty && m.y.isEmpty) {
            seen.insert(m.name)
            let c = ChartPalette.colour(m.colour)
            let swatch: String
            switch m.kind {
            case .line, .vrule, .hrule:
                swatch = "<line x1=\"1\" x2=\"17\" y1=\"6\" y2=\"6\" stroke=\"\(c)\" stroke-width=\"2.5\"\(m.dashed == true ? " stroke-dasharray=\"4 2\"" : "")/>"
            case .points: swatch = "<circle cx=\"9\" cy=\"6\" r=\"4\" fill=\"\(c)\"/>"
            case .errorBars: swatch = "<path d=\"M9,1L9,11M5,1L13,1M5,11L13,11\" stroke=\"\(c)\" stroke-width=\"1.6\" fill=\"none\"/>"
            case .area, .span: swatch = "<rect x=\"1\" y=\"1\" width=\"16\" height=\"10\" fill=\"\(c)\" fill-opacity=\"\(m.kind == .span ? 0.2 : max(m.opacity ?? 0.25, 0.3))\"/>"
            case .bars: swatch = "<rect x=\"1\" y=\"1\" width=\"16\" height=\"10\" fill=\"\(c)\"/>"
            }
            items.append("<li><svg class=\"swatch\" width=\"18\" height=\"12\" aria-hidden=\"true\">\(swatch)</svg>\(HTML.escape(m.name))</li>")
        }
        return items.isEmpty ? "" : "<ul class=\"legend\">\(items.joined())</ul>"
    }

    static func render(_ table: ReportTable, className: String) -> String {
        var out = "<table class=\"\(className)\"><caption>\(HTML.escape(table.caption))</caption><thead><tr>"
        out += table.header.map { "<th scope=\"col\">\(HTML.escape($0))</th>" }.joined()
        out += "</tr></thead><tbody>"
        for row in table.rows {
            out += "<tr>" + row.enumerated().map { i, cell in
                i == 0 ? "<th scope=\"row\">\(HTML.escape(cell))</th>" : "<td>\(HTML.escape(cell))</td>"
            }.joined() + "</tr>"
        }
        return out + "</tbody></table>"
    }

    /// System fonts only (no font file to fetch); print keeps figures whole and hides what only
    /// makes sense on screen.
    static let css = """
        :root{color-scheme:light;--ink:#1a1a1a;--muted:#555;--rule:#d9d9d9;--accent:#0072B2}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:1040px;padding:24px 28px 48px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
        h1{font-size:26px;margin:0 0 4px}
        h2{font-size:20px;margin:36px 0 10px;padding-top:10px;border-top:2px solid var(--rule)}
        .subtitle{color:var(--muted);margin:0 0 12px}
        nav ol{display:flex;flex-wrap:wrap;gap:4px 18px;padding:0;margin:0;list-style:none;font-size:13px}
        nav a{color:var(--accent);text-decoration:none}
        .callout{font-size:17px;padding:10px 14px;border-left:4px solid var(--accent);background:#f2f7fb}
        figure{margin:14px 0 22px}
        figcaption strong{display:block;font-size:15px}
        .chart-note{display:block;color:var(--muted);font-size:13px}
        svg.chart{display:block;width:100%;height:auto;font-size:11px;font-family:inherit}
        svg.chart text{fill:#333}
        svg.chart .label{font-size:12px;fill:#1a1a1a}
        svg.chart .grid{stroke:#e6e6e6;stroke-width:1}
        svg.chart .domain,svg.chart .tick{stroke:#777;stroke-width:1}
        .multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:8px 22px}
        .multiples figure{margin:8px 0}
        .legend{display:flex;flex-wrap:wrap;gap:2px 14px;list-style:none;padding:0;margin:4px 0;font-size:12px}
        .legend li{display:flex;align-items:center;gap:5px}
        details.data{font-size:12px;color:var(--muted)}
        details.data summary{cursor:pointer}
        table{border-collapse:collapse;font-size:13px;margin:8px 0 16px;font-variant-numeric:tabular-nums}
        caption{text-align:left;font-weight:600;padding:4px 0;color:var(--ink)}
        th,td{padding:3px 10px;border-bottom:1px solid var(--rule);text-align:right;white-space:nowrap}
        th[scope=row],thead th:first-child{text-align:left}
        thead th{border-bottom:2px solid #999}
        .report-table{display:block;overflow-x:auto}
        footer{margin-top:40px;color:var(--muted);font-size:12px}
        @page{margin:14mm}
        @media print{body{max-width:none;padding:0;font-size:11pt}nav,details.data{display:none}figure,table,.callout{break-inside:avoid}h2{break-after:avoid}.multiples{grid-template-columns:repeat(2,1fr)}}
        """
}
