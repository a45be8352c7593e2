import Foundation

/// A table as every rendering of a plan shows it: the printout (amounts as `money`, 1,234,567)
/// and the report (amounts as `ReportFormat.money`, $1.23M) take their headers and rows from here,
/// so a column is named and filled in one place.
public struct PlanTable: Sendable {
    /// Column names.
    public var header: [String]
    /// One entry per column in each row, already formatted.
    public var rows: [[String]]
}

extension PlanRun {
    /// Each channel's planned spend per period against the range its data has seen.
    /// - Parameter money: how an amount is written.
    public func extrapolationTable(money: (Double) -> String) -> PlanTable {
        let word = periodWord
        return PlanTable(header: ["channel", "plan per \(word)", "seen (min – max)", "extrapolation"],
                         rows: extrapolation.map { e in [e.channel, money(e.planned), "\(money(e.observedMin)) – \(money(e.observedMax))", e.label] })
    }

    /// The EVPPI ranking, most valuable first: where the next lift test earns most.
    /// - Parameter money: how an amount is written.
    public func experimentsTable(money: (Double) -> String) -> PlanTable {
        PlanTable(header: ["rank", "channel", "EVPPI", "share", "best spend per \(periodWord) if known", "suggested test"],
                  rows: experiments.enumerated().map { i, e in
                      [String(i + 1), e.channel, money(e.evppi), String(format: "%.0f%%", 100 * e.share), "\(money(e.low)) – \(money(e.high))", e.suggestedTest]
                  })
    }

    /// The name of one of the data's periods in the plan's tables: "week", "day", "month", else
    /// "period" (`FitFacts.periodWord`).
    public var periodWord: String { FitFacts.periodWord(posterior.model.data) }
}
