import Foundation

/// What a report says, independent of how it is shown: sections of sentences, tables and charts,
/// every chart carrying its own numbers. The HTML page renders it; `report.json` stores it, so
/// `mixplan report DIR` rebuilds the page from a finished run's files without refitting.
public struct Report: Codable, Sendable, Equatable {
    /// The page's title, e.g. "q1 plan — plan report".
    public var title: String
    /// One line under the title: what was run, on what data.
    public var subtitle: String
    public var sections: [ReportSection]

    public init(title: String, subtitle: String, sections: [ReportSection]) {
        self.title = title; self.subtitle = subtitle; self.sections = sections
    }
}

/// One section of a report, e.g. "Return on ad spend"; `id` is its stable anchor on the page
/// (the browser test looks the sections up by it).
public struct ReportSection: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var blocks: [ReportBlock]

    public init(id: String, title: String, blocks: [ReportBlock]) {
        self.id = id; self.title = title; self.blocks = blocks
    }
}

/// A piece of a section, in reading order: a paragraph, a table, one chart, or charts side by
/// side (small multiples).
public struct ReportBlock: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case paragraph, callout, table, charts }
    public var kind: Kind
    public var text: String?
    public var table: ReportTable?
    /// One chart spans the page; several are laid out as small multiples.
    public var charts: [Chart]?

    public static func paragraph(_ text: String) -> ReportBlock { ReportBlock(kind: .paragraph, text: text) }
    /// A sentence set apart: the verdict or recommendation a reader must not miss.
    public static func callout(_ text: String) -> ReportBlock { ReportBlock(kind: .callout, text: text) }
    public static func table(_ table: ReportTable) -> ReportBlock { ReportBlock(kind: .table, table: table) }
    public static func charts(_ charts: [Chart]) -> ReportBlock { ReportBlock(kind: .charts, charts: charts) }
}

/// A table of already formatted cells; the first column names the row.
public struct ReportTable: Codable, Sendable, Equatable {
    public var caption: String
    public var header: [String]
    public var rows: [[String]]

    public init(caption: String, header: [String], rows: [[String]]) {
        self.caption = caption; self.header = header; self.rows = rows
    }

    /// One of the plan's tables as the report shows it.
    init(caption: String, _ table: PlanTable) {
        self.init(caption: caption, header: table.header, rows: table.rows)
    }
}
