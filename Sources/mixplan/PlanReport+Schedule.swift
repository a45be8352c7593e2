import BudgetOptimization
import Foundation
import Planning

extension PlanReport {
    /// The plan over time: the carry-in kept apart from what the plan buys, and under weekly
    /// flighting the week-by-week schedule with its expected total revenue and the optimality
    /// conditions per budget period.
    var scheduleText: String {
        guard let s = run.schedule else { return "" }
        let e = s.evaluation
        let pct = Int((run.scenario.plan.interval * 100).rounded())
        var out = ""
        if s.carryover == .history, let c = e.carryInTotal {
            out += "\nCarry-in from past spend (already paid for, not in the plan's revenue): \(money(c.mean)) [\(money(c.lower)) – \(money(c.upper))]"
        } else {
            out += "\nCarry-in from past spend: not counted (plan.carryover: none)"
        }
        guard s.report != nil else { return out }
        let channels = s.problem.channels, H = s.problem.periods
        out += "\n\nWeekly plan (spend per period; expected revenue = baseline + carry-in + planned media, \(pct)% band):\n"
        let rows = run.dates.enumerated().map { t, date -> [String] in
            let spends = channels.indices.map { s.schedule[$0 * H + t] }
            let w = s.weekly[t]
            return [String(t + 1), date] + spends.map(money) + [money(spends.reduce(0, +)), money(w.mean), "[\(money(w.lower)) – \(money(w.upper))]"]
        }
        out += table(header: ["period", "date"] + channels + ["total spend", "revenue", "\(pct)% band"], rows: rows)
        out += "\nOptimality per budget period: "
        out += s.optimality.groups.map { g in
            g.interiorCells == 0 ? "\(g.label): no cell strictly inside its caps"
                : "\(g.label): marginal \(String(format: "%.3f", g.marginal)) (spread \(String(format: "%.1e", g.interiorSpread)))"
        }.joined(separator: "; ")
        if !s.optimality.channelsAtBounds.isEmpty { out += "; channels at a total bound: \(s.optimality.channelsAtBounds.joined(separator: ", "))" }
        return out
    }
}
