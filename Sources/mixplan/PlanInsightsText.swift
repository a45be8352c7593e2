import Foundation
import Planning

/// The plan's extrapolation and experiment tables for stdout.
enum PlanInsightsText {
    /// Each channel's planned spend per period against the range its data has seen.
    static func extrapolation(_ run: PlanRun) -> String {
        let word = run.posterior.model.data.cadence == .weekly ? "week" : "period"
        let rows = run.extrapolation.map { e in
            [e.channel, money(e.planned), "\(money(e.observedMin)) – \(money(e.observedMax))", e.label]
        }
        let flagged = run.extrapolation.filter { $0.factor > 0 }.map(\.channel)  // NaN (unknown) is not flagged
        return "Extrapolation (the plan's spend per \(word) against the spend per \(word) the data has seen):\n"
            + table(header: ["channel", "plan per \(word)", "seen (min – max)", "extrapolation"], rows: rows)
            + (flagged.isEmpty ? "" : "\nOutside the data: \(flagged.joined(separator: ", ")); the curve there is the model's guess, not the data's.")
    }

    /// The EVPPI ranking: where the next lift test earns most.
    static func experiments(_ run: PlanRun) -> String {
        let list = run.experiments
        guard !list.isEmpty else { return "" }
        let label = run.scenario.data.targetKind.targetLabel
        let word = run.posterior.model.data.cadence == .weekly ? "week" : "period"
        return "Where the next experiment should go (EVPPI: the expected \(label) the plan would gain if that channel's response were known):\n"
            + table(header: ["rank", "channel", "EVPPI", "share", "best spend per \(word) if known", "suggested test"], rows: list.enumerated().map { i, e in
                [String(i + 1), e.channel, money(e.evppi), String(format: "%.0f%%", 100 * e.share), "\(money(e.low)) – \(money(e.high))", e.suggestedTest]
            })
    }
}
