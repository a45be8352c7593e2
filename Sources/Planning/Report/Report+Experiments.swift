import BudgetOptimization
import Foundation

extension Report {
    /// Where the plan leans on the model's guess, and which experiment would pay most: the
    /// extrapolation per channel and the EVPPI ranking.
    static func experiments(_ run: PlanRun) -> ReportSection {
        let word = run.periodWord
        let names = run.problem.channels
        let x = names.indices.map(Double.init)
        let ranked = run.experiments
        let byChannel = Dictionary(ranked.map { ($0.channel, $0) }, uniquingKeysWith: { a, _ in a })
        let evppi = names.map { byChannel[$0]?.evppi ?? 0 }
        let e = run.extrapolation
        var blocks: [ReportBlock] = []
        if let top = ranked.first, top.share >= 0.01 {
            blocks.append(.callout("The next experiment worth running: \(top.suggestedTest). Knowing \(top.channel)'s response would be worth "
                + "\(ReportFormat.money(top.evppi)) of expected \(run.posterior.model.data.targetName) to this plan "
                + "(\(String(format: "%.0f%%", 100 * top.share)) of what knowing every channel one at a time would be worth)."))
        } else {
            blocks.append(.callout("No experiment would change this plan much: knowing any one channel's response better is worth little to it."))
        }
        blocks.append(.paragraph("EVPPI (expected value of perfect partial information) is what the plan would gain, in expected "
            + "\(run.posterior.model.data.targetName), if one channel's response were known before deciding: the posterior draws are cut into ten "
            + "groups by that channel's return where it operates, the plan is re-optimized within each group, and the gains are averaged. "
            + "A lift test should cover the spends the plan would move to depending on its result."))
        let chart = Chart(
            id: "chart-evppi", title: "What knowing each channel is worth to the plan",
            description: "EVPPI per channel: the expected gain if that channel's response were known before deciding.",
            x: ChartAxis(label: "Channel", format: .integer, categories: names),
            y: ChartAxis(label: "EVPPI ($)", format: .currency, includeZero: true),
            marks: [ChartMark(.bars, name: "EVPPI", x: x, y: evppi, colour: 0, width: 0.55)],
            table: ReportTable(caption: "Experiments, most valuable first", run.experimentsTable(money: ReportFormat.money)))
        let range = Chart(
            id: "chart-extrapolation", title: "The plan's spend per \(word) against what the data has seen",
            description: "Bars: the smallest to the largest spend of one \(word) in the data. Points: the plan's spend per \(word); outside the bar the curve is the model's guess.",
            x: ChartAxis(label: "Channel", format: .integer, categories: names),
            y: ChartAxis(label: "Spend per \(word) ($)", format: .currency, includeZero: true),
            marks: [ChartMark(.errorBars, name: "Range in the data", x: x, lower: e.map(\.observedMin), upper: e.map(\.observedMax), colour: ChartPalette.grey),
                    ChartMark(.points, name: "Plan", x: x, y: names.indices.map { run.allocation[$0] / Double(max(run.scenario.plan.horizon, 1)) }, colour: 3)],
            table: ReportTable(caption: "Extrapolation per channel", run.extrapolationTable(money: ReportFormat.money)))
        blocks += [.charts([chart, range]), .table(chart.table), .table(range.table)]
        return ReportSection(id: "experiments", title: "Extrapolation and the next experiment", blocks: blocks)
    }
}
