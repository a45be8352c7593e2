/// A chart as data: axes with units, marks in drawing order, and the table a screen reader reads
/// instead. Rendered as inline SVG by `SVGChart`.
public struct Chart: Codable, Sendable, Equatable {
    /// Unique on the page (also the anchor of the chart's figure).
    public var id: String
    public var title: String
    /// One sentence saying what to look for; also the SVG's description.
    public var description: String
    public var x: ChartAxis
    public var y: ChartAxis
    public var marks: [ChartMark]
    /// The numbers behind the chart, for screen readers and for copying.
    public var table: ReportTable

    public init(id: String, title: String, description: String, x: ChartAxis, y: ChartAxis, marks: [ChartMark], table: ReportTable) {
        self.id = id; self.title = title; self.description = description; self.x = x; self.y = y
        self.marks = marks; self.table = table
    }
}

/// How a chart's numbers are written on its axes and in its tables.
public enum ValueFormat: String, Codable, Sendable {
    /// $1.2M, $250k.
    case currency
    /// 2.51 (ROAS, marginal ROAS: revenue per unit of spend).
    case ratio
    /// 0.25 → 25%.
    case percent
    /// 1,234.
    case integer
    /// Plain numbers in a compact form (draw values of parameters).
    case number
}

/// One axis: its label with the unit, and either numbers, period dates or categories.
public struct ChartAxis: Codable, Sendable, Equatable {
    /// Shown beside the axis; states the unit, e.g. "Weekly revenue ($)".
    public var label: String
    public var format: ValueFormat
    /// Period labels (ISO dates): values on this axis are period indices 0…n−1.
    public var dates: [String]?
    /// Category names: values on this axis are category indices 0…n−1.
    public var categories: [String]?
    /// Whether the axis must reach 0 (bars, amounts); a trace or a date axis need not.
    public var includeZero: Bool

    public init(label: String, format: ValueFormat, dates: [String]? = nil, categories: [String]? = nil, includeZero: Bool = false) {
        self.label = label; self.format = format; self.dates = dates; self.categories = categories; self.includeZero = includeZero
    }
}

/// Something drawn. Which fields a kind reads:
/// - `line`, `points`: `x`, `y`;
/// - `area`: `x`, `lower`, `upper` (a band, or one layer of a stack);
/// - `bars`: `x` (centres), `y` (tops), `lower` (bottoms, default 0), `width`, `offset`;
/// - `errorBars`: `x`, `lower`, `upper`, `offset`;
/// - `vrule` / `hrule`: a reference line at `x[0]` / `y[0]`, labelled by `name`;
/// - `span`: a shaded range from `x[0]` to `x[1]`, labelled by `name`.
public struct ChartMark: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case line, points, area, bars, errorBars, vrule, hrule, span }
    public var kind: Kind
    /// Legend entry (empty: not in the legend).
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var lower: [Double]?
    public var upper: [Double]?
    /// Index into `ChartPalette`.
    public var colour: Int
    public var dashed: Bool?
    /// Bar width in x units (default 0.7).
    public var width: Double?
    /// Shift in x units, for grouped bars and error bars.
    public var offset: Double?
    /// Thin lines for dense series (traces).
    public var thin: Bool?
    /// Fill opacity of areas and spans (default 0.25: a band that lets lines show through).
    public var opacity: Double?

    public init(_ kind: Kind, name: String = "", x: [Double] = [], y: [Double] = [], lower: [Double]? = nil, upper: [Double]? = nil,
                colour: Int, dashed: Bool? = nil, width: Double? = nil, offset: Double? = nil, thin: Bool? = nil,
                opacity: Double? = nil) {
        self.kind = kind; self.name = name; self.x = x; self.y = y; self.lower = lower; self.upper = upper
        self.colour = colour; self.dashed = dashed; self.width = width; self.offset = offset; self.thin = thin
        self.opacity = opacity
    }
}

/// Okabe and Ito's palette, which readers with any common colour-vision deficiency can tell
/// apart; yellow is left out because it vanishes on white.
public enum ChartPalette {
    public static let colours = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#8C8C8C"]
    public static let black = 6
    public static let grey = 7
    /// Colour of the i-th channel (or chain): the six hues, then again.
    public static func series(_ i: Int) -> Int { i % 6 }
    public static func colour(_ i: Int) -> String { colours[((i % colours.count) + colours.count) % colours.count] }
}
