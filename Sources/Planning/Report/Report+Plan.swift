import BudgetOptimization
import Foundation
import MediaModel

/// One budget of a frontier: the optimal plan's revenue and the marginal ROAS of its last dollar.
public struct FrontierPoint: Sendable {
    public var budget: Double
    public var revenue: Spread
    public var marginalROAS: Double
    public init(budget: Double, revenue: Spread, marginalROAS: Double) {
        self.budget = budget; self.revenue = revenue; self.marginalROAS = marginalROAS
    }
}

extension Report {
    /// The plan's report: the recommendation and how sure it is, then the fit's sections.
    /// - Parameters:
    ///   - truthROAS: each channel's true ROAS when the data were simulated (the demo).
    ///   - frontier: optimal plans across budgets, when the run computed them.
    public static func plan(_ run: PlanRun, truthROAS: [Double]? = nil, frontier: [FrontierPoint] = []) -> Report {
        let horizon = Double(run.scenario.plan.horizon)
        var sections = [recommendation(run), allocation(run), uplift(run), marginalROAS(run)]
        if !run.whatIfs.isEmpty { sections.append(whatIfs(run)) }
        if !frontier.isEmpty { sections.append(frontierSection(run, frontier)) }
        sections.append(experiments(run))
        sections.append(optimality(run))
        // The fit's sections follow, titled as such so a reader knows where the plan ends: as
        // the fit's report has them (a stored fit's diagnostics are not computed again), with the
        // plan's spend marked on the response curves.
        let planned = run.allocation.map { $0 / horizon }
        let fitReport = truthROAS == nil ? run.fit.report : nil
        let fit = fitReport ?? Report.fit(scenario: run.scenario, posterior: run.posterior, truthROAS: truthROAS)
        sections += fit.sections.map { section in
            var s = section.id == "response-curves" ? responseCurves(scenario: run.scenario, posterior: run.posterior, planned: planned) : section
            s.title = "Fit: " + s.title.prefix(1).lowercased() + s.title.dropFirst()
            return s
        }
        let word = FitFacts.periodWord(run.posterior.model.data)
        return Report(title: "\(run.scenario.name) — plan report",
                      subtitle: "Budget \(ReportFormat.money(run.problem.budget)) over \(run.scenario.plan.horizon) \(word)s from \(run.dates.first ?? "?"); "
                          + "objective \(run.scenario.plan.objective). Fit: " + fit.subtitle,
                      sections: sections)
    }

    /// The recommendation in one sentence: what moves where, what it is expected to earn, how
    /// wide the band is and how often it beats the current mix.
    static func recommendation(_ run: PlanRun) -> ReportSection {
        let names = run.problem.channels
        let delta = zip(run.allocation, run.currentAllocation).map { $0 - $1 }
        let moved = delta.filter { $0 > 0 }.reduce(0, +)
        let u = run.uplift
        let h = run.scenario.plan.horizon
        let word = FitFacts.periodWord(run.posterior.model.data)
        let outcome = "\(ReportFormat.signedMoney(u.change.mean)) expected \(run.posterior.model.data.targetName) over the \(h) \(word)s "
            + "(90% band \(ReportFormat.signedMoney(u.change.lower)) to \(ReportFormat.signedMoney(u.change.upper))), "
            + "better than the current mix in \(String(format: "%.0f%%", 100 * u.probabilityBetter)) of scenarios."
        let sentence: String
        if let verdict = run.keepCurrentMixVerdict {
            sentence = verdict + " Expected change: " + outcome
        } else {
            // Channels named from the largest change down, leaving out moves under 5% of the total.
            func list(_ indices: [Int]) -> String {
                let shown = indices.sorted { abs(delta[$0]) > abs(delta[$1]) }.filter { abs(delta[$0]) >= 0.05 * moved }
                return shown.map { "\(names[$0]) (\(ReportFormat.signedMoney(delta[$0])))" }.joined(separator: ", ")
            }
            sentence = "Move \(ReportFormat.money(moved)) from \(list(delta.indices.filter { delta[$0] < 0 })) to \(list(delta.indices.filter { delta[$0] > 0 })): " + outcome
        }
        let t = run.plan.total, b = run.problem.budget
        var blocks: [ReportBlock] = [
            .callout(sentence),
            .paragraph("The plan is expected to bring \(ReportFormat.money(t.mean)) (90% band \(ReportFormat.money(t.lower)) to \(ReportFormat.money(t.upper))) "
                + "for \(ReportFormat.money(b)), a ROAS of \(String(format: "%.2f", t.mean / b)), against \(ReportFormat.money(run.current.total.mean)) for the current mix "
                + "(the last \(h) \(word)s' spend scaled to the same budget). Revenue here is each channel's incremental revenue over the plan and the carryover after it."),
        ]
        for notice in run.report.notices { blocks.append(.paragraph("Notice: \(notice)")) }
        return ReportSection(id: "recommendation", title: "Recommendation", blocks: blocks)
    }

    static func allocation(_ run: PlanRun) -> ReportSection {
        let names = run.problem.channels
        let x = names.indices.map(Double.init)
        let b = run.problem.budget
        let chart = Chart(
            id: "chart-allocation", title: "Current vs planned spend",
            description: "Spend per channel over the plan's periods: the current mix scaled to the budget, and the optimized plan.",
            x: ChartAxis(label: "Channel", format: .integer, categories: names),
            y: ChartAxis(label: "Spend over the plan ($)", format: .currency, includeZero: true),
            marks: [
                ChartMark(.bars, name: "Current mix", x: x, y: run.currentAllocation, colour: ChartPalette.grey, width: 0.36, offset: -0.19),
                ChartMark(.bars, name: "Plan", x: x, y: run.allocation, colour: 0, width: 0.36, offset: 0.19),
            ],
            table: ReportTable(caption: "Spend per channel", header: ["channel", "current", "plan", "change"],
                               rows: names.indices.map { c in
                                   [names[c], ReportFormat.money(run.currentAllocation[c]), ReportFormat.money(run.allocation[c]),
                                    ReportFormat.signedMoney(run.allocation[c] - run.currentAllocation[c])]
                               }))
        var rows = run.plan.channels.enumerated().map { c, ch in
            [ch.name, ReportFormat.money(run.currentAllocation[c]), ReportFormat.money(ch.spend), String(format: "%.0f%%", 100 * ch.spend / b),
             ReportFormat.money(ch.revenue.mean), "\(ReportFormat.money(ch.revenue.lower)) – \(ReportFormat.money(ch.revenue.upper))",
             // A sliver (a millionth of the budget) is the optimizer's 0; its ROAS is rounding noise.
             PlanRun.isSliver(ch.spend, budget: b) ? "–" : String(format: "%.2f", ch.roas), String(format: "%.2f", ch.marginalROAS.mean)]
        }
        let t = run.plan.total
        rows.append(["TOTAL", ReportFormat.money(run.currentAllocation.reduce(0, +)), ReportFormat.money(b), "100%", ReportFormat.money(t.mean),
                     "\(ReportFormat.money(t.lower)) – \(ReportFormat.money(t.upper))", String(format: "%.2f", t.mean / b), ""])
        return ReportSection(id: "allocation", title: "Current vs planned spend", blocks: [
            .charts([chart]),
            .table(ReportTable(caption: "The plan per channel (revenue over the plan and its carryover)",
                               header: ["channel", "current", "plan", "share", "revenue", "90% band", "ROAS", "mROAS"], rows: rows)),
        ])
    }

    /// The plan's gain over the current mix, draw by draw, as a histogram.
    static func uplift(_ run: PlanRun) -> ReportSection {
        let diff = zip(run.plan.totalByDraw, run.current.totalByDraw).map { $0 - $1 }
        let bins = 30
        // The range runs from the 0.5% to the 99.5% quantile (and always includes zero); the few
        // draws beyond are counted in the end bars, so a long tail does not squeeze the rest.
        let sorted = diff.sorted()
        func quantile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(Int(p * Double(sorted.count)), sorted.count - 1)] }
        let lo = min(quantile(0.005), 0), hi = max(quantile(0.995), 0)
        let width = hi > lo ? (hi - lo) / Double(bins) : 1
        var counts = [Double](repeating: 0, count: bins)
        for d in diff { counts[min(max(Int(((d - lo) / width).rounded(.down)), 0), bins - 1)] += 1 }
        let shares = counts.map { $0 / Double(max(diff.count, 1)) }
        let centres = (0..<bins).map { lo + (Double($0) + 0.5) * width }
        let worse = centres.indices.filter { centres[$0] < 0 }, better = centres.indices.filter { centres[$0] >= 0 }
        let u = run.uplift
        let chart = Chart(
            id: "chart-uplift", title: "Gain over the current mix, across posterior draws",
            description: "Each bar is the share of draws with that gain (the end bars also hold the 0.5% most extreme draws each side); "
                + "P(better) = \(String(format: "%.0f%%", 100 * u.probabilityBetter))"
                + "." + (run.keepCurrentMixVerdict.map { " " + $0 } ?? ""),
            x: ChartAxis(label: "Gain in \(run.posterior.model.data.targetName) over the plan ($)", format: .currency),
            y: ChartAxis(label: "Share of draws (%)", format: .percent, includeZero: true),
            marks: [
                ChartMark(.bars, name: "Plan worse", x: worse.map { centres[$0] }, y: worse.map { shares[$0] }, colour: 3, width: width * 0.92),
                ChartMark(.bars, name: "Plan better", x: better.map { centres[$0] }, y: better.map { shares[$0] }, colour: 0, width: width * 0.92),
                ChartMark(.vrule, name: "No change", x: [0], colour: ChartPalette.black),
                ChartMark(.vrule, name: "Expected gain", x: [u.change.mean], colour: ChartPalette.black, dashed: true),
            ],
            table: ReportTable(caption: "Distribution of the gain", header: ["from", "to", "share of draws"],
                               rows: (0..<bins).map { i in
                                   [ReportFormat.money(lo + Double(i) * width), ReportFormat.money(lo + Double(i + 1) * width), ReportFormat.value(shares[i], .percent)]
                               }))
        let reliance = run.keepsCurrentMix ? "" : run.priorRelianceSentence
        return ReportSection(id: "uplift", title: "How sure the gain is", blocks: [
            .paragraph("P(better) = \(String(format: "%.0f%%", 100 * u.probabilityBetter)): the share of posterior draws in which the plan earns more than the current mix. "
                + "Expected gain \(ReportFormat.signedMoney(u.change.mean)), median \(ReportFormat.signedMoney(u.change.median)), "
                + "90% band \(ReportFormat.signedMoney(u.change.lower)) to \(ReportFormat.signedMoney(u.change.upper))."
                + (run.keepCurrentMixVerdict.map { " " + $0 } ?? "")
                + (reliance.isEmpty ? "" : " " + reliance)),
            .charts([chart]),
        ])
    }

    static func marginalROAS(_ run: PlanRun) -> ReportSection {
        let chs = run.plan.channels
        let x = chs.indices.map(Double.init)
        let chart = Chart(
            id: "chart-marginal-roas", title: "Marginal ROAS at the plan",
            description: "What the next dollar in each channel returns at the planned spend; below 1 it costs more than it brings.",
            x: ChartAxis(label: "Channel", format: .integer, categories: chs.map(\.name)),
            y: ChartAxis(label: "mROAS ($ per extra $)", format: .ratio, includeZero: true),
            marks: [
                ChartMark(.bars, name: "Mean", x: x, y: chs.map(\.marginalROAS.mean), colour: 0, width: 0.55),
                ChartMark(.errorBars, name: "90% band", x: x, lower: chs.map(\.marginalROAS.lower), upper: chs.map(\.marginalROAS.upper), colour: ChartPalette.black),
                ChartMark(.hrule, name: "Break-even (1)", y: [1], colour: 3, dashed: true),
            ],
            table: ReportTable(caption: "Marginal ROAS per channel at the plan", header: ["channel", "spend", "mROAS", "band low", "band high"],
                               rows: chs.map { [$0.name, ReportFormat.money($0.spend), String(format: "%.2f", $0.marginalROAS.mean),
                                                String(format: "%.2f", $0.marginalROAS.lower), String(format: "%.2f", $0.marginalROAS.upper)] }))
        return ReportSection(id: "marginal-roas", title: "Marginal ROAS at the plan", blocks: [.charts([chart])])
    }

    static func whatIfs(_ run: PlanRun) -> ReportSection {
        let w = run.whatIfs
        let x = w.indices.map(Double.init)
        let chart = Chart(
            id: "chart-what-ifs", title: "What-ifs: change in revenue",
            description: "Each move's change against the optimized plan, with its 90% band; below zero the move loses money.",
            x: ChartAxis(label: "What-if", format: .integer, categories: w.map(\.whatIf.name)),
            y: ChartAxis(label: "Change in \(run.posterior.model.data.targetName) ($)", format: .currency, includeZero: true),
            marks: [
                ChartMark(.hrule, name: "", y: [0], colour: ChartPalette.grey),
                ChartMark(.errorBars, name: "90% band", x: x, lower: w.map(\.change.lower), upper: w.map(\.change.upper), colour: ChartPalette.black),
                ChartMark(.points, name: "Expected change", x: x, y: w.map(\.change.mean), colour: 3),
            ],
            table: ReportTable(caption: "What-ifs", header: ["what-if", "change", "band low", "band high", "P(better)", "mROAS from", "mROAS to"],
                               rows: w.map { r in
                                   [r.whatIf.name, ReportFormat.signedMoney(r.change.mean), ReportFormat.signedMoney(r.change.lower), ReportFormat.signedMoney(r.change.upper),
                                    String(format: "%.0f%%", 100 * r.probabilityBetter),
                                    String(format: "%@ %.2f → %.2f", r.whatIf.from, r.marginalFrom.before, r.marginalFrom.after),
                                    String(format: "%@ %.2f → %.2f", r.whatIf.to, r.marginalTo.before, r.marginalTo.after)]
                               }))
        return ReportSection(id: "what-ifs", title: "What-ifs", blocks: [.table(chart.table), .charts([chart])])
    }

    static func frontierSection(_ run: PlanRun, _ points: [FrontierPoint]) -> ReportSection {
        let x = points.map(\.budget)
        let revenue = Chart(
            id: "chart-frontier", title: "Revenue of the best plan at each budget",
            description: "Expected revenue and its 90% band if each budget were spent optimally; the dashed line is this plan's budget.",
            x: ChartAxis(label: "Budget ($)", format: .currency), y: ChartAxis(label: "Revenue over the plan ($)", format: .currency),
            marks: [
                ChartMark(.area, name: "90% band", x: x, lower: points.map(\.revenue.lower), upper: points.map(\.revenue.upper), colour: 0),
                ChartMark(.line, name: "Expected", x: x, y: points.map(\.revenue.mean), colour: 0),
                ChartMark(.vrule, name: "This plan's budget", x: [run.problem.budget], colour: ChartPalette.black, dashed: true),
            ],
            table: ReportTable(caption: "Frontier", header: ["budget", "revenue", "band low", "band high", "mROAS of last $"],
                               rows: points.map { [ReportFormat.money($0.budget), ReportFormat.money($0.revenue.mean), ReportFormat.money($0.revenue.lower),
                                                   ReportFormat.money($0.revenue.upper), String(format: "%.2f", $0.marginalROAS)] }))
        let marginal = Chart(
            id: "chart-frontier-mroas", title: "Marginal ROAS of the last dollar",
            description: "Where this falls below 1, more budget returns less than it costs.",
            x: ChartAxis(label: "Budget ($)", format: .currency), y: ChartAxis(label: "mROAS ($ per extra $)", format: .ratio, includeZero: true),
            marks: [
                ChartMark(.line, name: "mROAS", x: x, y: points.map(\.marginalROAS), colour: 1),
                ChartMark(.hrule, name: "Break-even (1)", y: [1], colour: 3, dashed: true),
                ChartMark(.vrule, name: "This plan's budget", x: [run.problem.budget], colour: ChartPalette.black, dashed: true),
            ],
            table: revenue.table)
        return ReportSection(id: "frontier", title: "Budget frontier", blocks: [.charts([revenue, marginal])])
    }

    /// Whether the plan is the optimum: the two optimizers agree, and every channel inside its
    /// bounds earns the same marginal return (the first-order condition).
    static func optimality(_ run: PlanRun) -> ReportSection {
        let r = run.report, o = run.optimality, p = run.problem
        var text = "Optimizer: \(r.method), \(r.status)"
        var counts: [String] = []
        if r.slsqpEvaluations > 0 { counts.append("\(r.method == "newton" ? "Newton's method" : "SLSQP") \(r.slsqpEvaluations) evaluations") }
        if r.geneticEvaluations > 0 { counts.append("genetic algorithm \(r.geneticEvaluations) evaluations on \(r.geneticSearchDraws) draws") }
        if !counts.isEmpty { text += " (\(counts.joined(separator: "; ")))" }
        text += "."
        if let gap = r.crossCheckGap {
            text += " \(r.method == "newton" ? "Newton's method" : "SLSQP") and the genetic algorithm, searching independently, reach objectives \(String(format: "%.2g%%", 100 * gap)) apart"
                + (gap < 0.001 ? ": the plan is the optimum both find." : ".")
        }
        if o.interior.isEmpty {
            text += " No channel is strictly inside its bounds."
        } else {
            text += " Channels inside their bounds (\(o.interior.joined(separator: ", "))) share a marginal return of \(String(format: "%.3f", o.marginal)) "
                + "(largest relative gap \(String(format: "%.1e", o.interiorSpread))): moving a dollar between them gains nothing."
            if !o.activeGroups.isEmpty {
                text += " Totals held at a bound add a price to their members' marginal return: "
                    + o.activeGroups.map { "\($0.label) \(String(format: "%+.3f", $0.price))" }.joined(separator: ", ")
                    + " (the gap above is measured after these prices)."
            }
        }
        if !o.atMinimum.isEmpty { text += " At their minimum: \(o.atMinimum.joined(separator: ", "))." }
        if !o.atMaximum.isEmpty { text += " At their maximum: \(o.atMaximum.joined(separator: ", "))." }
        let g = run.plan.objectiveGradient
        let x = p.channels.indices.map(Double.init)
        func status(_ name: String) -> String { o.atMinimum.contains(name) ? "at minimum" : o.atMaximum.contains(name) ? "at maximum" : "interior" }
        let chart = Chart(
            id: "chart-equal-margins", title: "Marginal objective per channel at the plan",
            description: "At the optimum every interior channel reaches the dashed common value; a channel at a bound may sit off it.",
            x: ChartAxis(label: "Channel", format: .integer, categories: p.channels),
            y: ChartAxis(label: "d objective / d spend ($ per $)", format: .ratio, includeZero: true),
            marks: [
                ChartMark(.bars, name: "Inside its bounds", x: x.filter { status(p.channels[Int($0)]) == "interior" },
                          y: p.channels.indices.filter { status(p.channels[$0]) == "interior" }.map { g[$0] }, colour: 2, width: 0.55),
                ChartMark(.bars, name: "At a bound", x: x.filter { status(p.channels[Int($0)]) != "interior" },
                          y: p.channels.indices.filter { status(p.channels[$0]) != "interior" }.map { g[$0] }, colour: ChartPalette.grey, width: 0.55),
                ChartMark(.hrule, name: "Common interior value", y: o.marginal.isNaN ? [] : [o.marginal], colour: ChartPalette.black, dashed: true),
            ],
            table: ReportTable(caption: "Optimality per channel", header: ["channel", "spend", "minimum", "maximum", "marginal objective", "status"],
                               rows: p.channels.indices.map { c in
                                   [p.channels[c], ReportFormat.money(run.allocation[c]), ReportFormat.money(p.lower[c]), ReportFormat.money(p.upper[c]),
                                    String(format: "%.4f", g[c]), status(p.channels[c])]
                               }))
        return ReportSection(id: "optimality", title: "Optimality check", blocks: [.paragraph(text), .charts([chart]), .table(chart.table)])
    }
}
