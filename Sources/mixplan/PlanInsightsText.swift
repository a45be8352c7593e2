import Foundation
import Planning

/// The plan's extrapolation and experiment tables for stdout.
enum PlanInsightsText {
    /// Each channel's planned spend per period against the range its data has seen.
    static func extrapolation(_ run: PlanRun) -> String {
        let t = run.extrapolationTable(money: money)
        let flagged = run.extrapolation.filter { $0.factor > 0 }.map(\.channel)  // NaN (unknown) is not flagged
        return "Extrapolation (the plan's spend per \(run.periodWord) against the spend per \(run.periodWord) the data has seen):\n"
            + table(header: t.header, rows: t.rows)
            + (flagged.isEmpty ? "" : "\nOutside the data: \(flagged.joined(separator: ", ")); the curve there is the model's guess, not the data's.")
    }

    /// The EVPPI ranking: where the next lift test earns most.
    static func experiments(_ run: PlanRun) -> String {
        guard !run.experiments.isEmpty else { return "" }
        let label = run.scenario.data.targetKind.targetLabel
        let t = run.experimentsTable(money: money)
        return "Where the next experiment should go (EVPPI: the expected \(label) the plan would gain if that channel's response were known):\n"
            + table(header: t.header, rows: t.rows)
    }
}
