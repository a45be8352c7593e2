import Foundation

/// Draws a `Chart` as inline SVG: round-number ticks, gridlines, axis labels with units, then the
/// marks in order. Every mark element carries the class `mark` (the browser test counts them).
/// The SVG scales to its container through its viewBox and needs no script or font file.
struct SVGChart {
    let chart: Chart
    let width: Double
    let height: Double
    /// One chart across the page, or one of several side by side.
    static let wide = (width: 820.0, height: 290.0)
    static let small = (width: 340.0, height: 240.0)

    private let left = 62.0, right = 24.0, top = 14.0, bottom = 46.0

    init(_ chart: Chart, small: Bool) {
        self.chart = chart
        (width, height) = small ? SVGChart.small : SVGChart.wide
    }

    private var plotWidth: Double { width - left - right }
    private var plotHeight: Double { height - top - bottom }

    func render() -> String {
        let xDomain = self.xDomain(), yScale = self.yScale()
        let px = { (x: Double) in left + (x - xDomain.lower) / (xDomain.upper - xDomain.lower) * plotWidth }
        let py = { (y: Double) in top + (1 - (y - yScale.lower) / (yScale.upper - yScale.lower)) * plotHeight }
        let id = HTML.escape(chart.id)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"\(id)-title\">\(HTML.escape(chart.title))</title><desc id=\"\(id)-desc\">\(HTML.escape(chart.description))</desc>"

        // Gridlines and y ticks.
        let magnitudeY = max(abs(yScale.lower), abs(yScale.upper))
        svg += "<g class=\"axis y-axis\">"
        for t in yScale.ticks {
            let y = py(t)
            svg += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(y))\" y2=\"\(f(y))\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(HTML.escape(ReportFormat.tick(t, format: chart.y.format, step: yScale.step, magnitude: magnitudeY)))</text>"
        }
        svg += "<text class=\"label\" transform=\"translate(14 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.escape(chart.y.label))</text></g>"

        // x ticks.
        svg += "<g class=\"axis x-axis\">"
        let baseline = top + plotHeight
        svg += "<line class=\"domain\" x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(baseline))\" y2=\"\(f(baseline))\"/>"
        let ticks = xTicks(xDomain)
        for (i, (value, label)) in ticks.enumerated() {
            let x = px(value)
            // Dates at the ends of the axis align inward so the first and last stay on the page.
            let anchor = chart.x.dates == nil || ticks.count < 2 ? "middle" : i == 0 ? "start" : i == ticks.count - 1 ? "end" : "middle"
            svg += "<line class=\"tick\" x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(baseline))\" y2=\"\(f(baseline + 4))\"/>"
            svg += "<text x=\"\(f(x))\" y=\"\(f(baseline + 17))\" text-anchor=\"\(anchor)\">\(HTML.escape(label))</text>"
        }
        svg += "<text class=\"label\" x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">\(HTML.escape(chart.x.label))</text></g>"

        svg += "<g class=\"marks\">"
        for mark in chart.marks { svg += draw(mark, px: px, py: py, yScale: yScale) }
        svg += "</g></svg>"
        return svg
    }

    // MARK: - Marks

    private func draw(_ m: ChartMark, px: (Double) -> Double, py: (Double) -> Double, yScale: NiceScale) -> String {
        let colour = ChartPalette.colour(m.colour)
        let offset = m.offset ?? 0
        let dash = m.dashed == true ? " stroke-dasharray=\"5 3\"" : ""
        let cls = "mark mark-\(m.kind.rawValue)"
        let name = m.name.isEmpty ? "" : "<title>\(HTML.escape(m.name))</title>"
        switch m.kind {
        case .line:
            let points = zip(m.x, m.y).filter { $0.0.isFinite && $0.1.isFinite }.map { (px($0.0 + offset), py($0.1)) }
            guard points.count >= 2 else { return "" }
            let d = points.enumerated().map { ($0.offset == 0 ? "M" : "L") + f($0.element.0) + "," + f($0.element.1) }.joined()
            return "<path class=\"\(cls)\" d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(m.thin == true ? "1.1" : "2")\"\(dash) stroke-linejoin=\"round\">\(name)</path>"
        case .points:
            return zip(m.x, m.y).filter { $0.0.isFinite && $0.1.isFinite }.map {
                "<circle class=\"\(cls)\" cx=\"\(f(px($0.0 + offset)))\" cy=\"\(f(py($0.1)))\" r=\"3.5\" fill=\"\(colour)\" stroke=\"#fff\" stroke-width=\"1\">\(name)</circle>"
            }.joined()
        case .area:
            guard let lower = m.lower, let upper = m.upper else { return "" }
            let rows = m.x.indices.filter { $0 < lower.count && $0 < upper.count && lower[$0].isFinite && upper[$0].isFinite }
            guard rows.count >= 2 else { return "" }
            let forward = rows.map { (px(m.x[$0] + offset), py(upper[$0])) }
            let back = rows.reversed().map { (px(m.x[$0] + offset), py(lower[$0])) }
            let d = (forward + back).enumerated().map { ($0.offset == 0 ? "M" : "L") + f($0.element.0) + "," + f($0.element.1) }.joined() + "Z"
            return "<path class=\"\(cls)\" d=\"\(d)\" fill=\"\(colour)\" fill-opacity=\"\(f(m.opacity ?? 0.25))\" stroke=\"none\">\(name)</path>"
        case .bars:
            let unit = plotWidth / max(xSpan, 1e-300)
            let w = (m.width ?? 0.7) * unit
            return m.x.indices.compactMap { i -> String? in
                guard i < m.y.count, m.y[i].isFinite else { return nil }
                let base = m.lower.map { i < $0.count ? $0[i] : 0 } ?? 0
                let y0 = py(max(base, m.y[i])), y1 = py(min(base, m.y[i]))
                return "<rect class=\"\(cls)\" x=\"\(f(px(m.x[i] + offset) - w / 2))\" y=\"\(f(y0))\" width=\"\(f(w))\" height=\"\(f(max(y1 - y0, 0.5)))\" fill=\"\(colour)\"\(m.opacity.map { " fill-opacity=\"\(f($0))\"" } ?? "")>\(name)</rect>"
            }.joined()
        case .errorBars:
            guard let lower = m.lower, let upper = m.upper else { return "" }
            return m.x.indices.compactMap { i -> String? in
                guard i < lower.count, i < upper.count, lower[i].isFinite, upper[i].isFinite else { return nil }
                let x: Double = px(m.x[i] + offset), a: Double = py(lower[i]), b: Double = py(upper[i])
                let xs = f(x), l = f(x - 4), r = f(x + 4), ya = f(a), yb = f(b)
                let stem = "M\(xs),\(ya)L\(xs),\(yb)"
                let caps = "M\(l),\(ya)L\(r),\(ya)M\(l),\(yb)L\(r),\(yb)"
                let d = stem + caps
                return "<path class=\"\(cls)\" d=\"\(d)\" stroke=\"\(colour)\" stroke-width=\"1.6\" fill=\"none\">\(name)</path>"
            }.joined()
        case .vrule:
            guard let v = m.x.first, v.isFinite else { return "" }
            let x = px(v)
            return "<line class=\"\(cls)\" x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\" stroke=\"\(colour)\" stroke-width=\"1.5\"\(dash)>\(name)</line>"
        case .hrule:
            guard let v = m.y.first, v.isFinite, v >= yScale.lower, v <= yScale.upper else { return "" }
            let y = py(v)
            return "<line class=\"\(cls)\" x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"\(colour)\" stroke-width=\"1.5\"\(dash)>\(name)</line>"
        case .span:
            guard m.x.count >= 2, m.x[0].isFinite, m.x[1].isFinite else { return "" }
            let a = px(min(m.x[0], m.x[1])), b = px(max(m.x[0], m.x[1]))
            return "<rect class=\"\(cls)\" x=\"\(f(a))\" y=\"\(f(top))\" width=\"\(f(max(b - a, 1)))\" height=\"\(f(plotHeight))\" fill=\"\(colour)\" fill-opacity=\"\(f(m.opacity ?? 0.12))\">\(name)</rect>"
        }
    }

    // MARK: - Domains and ticks

    private var xSpan: Double { let d = xDomain(); return d.upper - d.lower }

    /// Categories and periods run from the first to the last index (with half a slot of room for
    /// categories); numbers get a round-number range.
    private func xDomain() -> (lower: Double, upper: Double) {
        if let categories = chart.x.categories { return (-0.5, Double(max(categories.count, 1)) - 0.5) }
        if let dates = chart.x.dates { return (0, Double(max(dates.count - 1, 1))) }
        let scale = numericXScale()
        return (scale.lower, scale.upper)
    }

    private func numericXScale() -> NiceScale {
        var values: [Double] = chart.x.includeZero ? [0] : []
        for m in chart.marks {
            let o = m.offset ?? 0
            switch m.kind {
            case .bars:
                let half: Double = (m.width ?? 0.7) / 2
                for x in m.x { values.append(x + o - half); values.append(x + o + half) }
            case .hrule: break
            default: values += m.x.map { $0 + o }
            }
        }
        values = values.filter(\.isFinite)
        return NiceScale(values.min() ?? 0, values.max() ?? 1, ticks: width < 500 ? 4 : 6)
    }

    private func yScale() -> NiceScale {
        var values: [Double] = chart.y.includeZero ? [0] : []
        for m in chart.marks {
            switch m.kind {
            case .vrule, .span: break
            case .bars: values += m.y + (m.lower ?? [])
            default: values += m.y + (m.lower ?? []) + (m.upper ?? [])
            }
        }
        values = values.filter(\.isFinite)
        return NiceScale(values.min() ?? 0, values.max() ?? 1, ticks: height < 280 ? 4 : 5)
    }

    private func xTicks(_ domain: (lower: Double, upper: Double)) -> [(Double, String)] {
        if let categories = chart.x.categories {
            // Labels shortened to their slot's width (about 6.5 px a character).
            let room = max(Int(plotWidth / Double(max(categories.count, 1)) / 6.5), 4)
            return categories.enumerated().map { i, name in
                (Double(i), name.count > room ? String(name.prefix(room - 1)) + "…" : name)
            }
        }
        if let dates = chart.x.dates, !dates.isEmpty {
            let count = min(dates.count, width < 500 ? 4 : 6)
            let indices = (0..<count).map { count == 1 ? 0 : Int((Double($0) * Double(dates.count - 1) / Double(count - 1)).rounded()) }
            return indices.map { (Double($0), ReportFormat.month(dates[$0])) }
        }
        let scale = numericXScale()
        let magnitude = max(abs(scale.lower), abs(scale.upper))
        return scale.ticks.map { ($0, ReportFormat.tick($0, format: chart.x.format, step: scale.step, magnitude: magnitude)) }
    }

    /// Coordinates with one decimal: sharp enough on screen and in print, and short.
    private func f(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }
}
