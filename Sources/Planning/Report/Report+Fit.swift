import Foundation
import MediaModel
import Sampling

extension Report {
    /// The fit's report: what the data are, whether to trust the fit, and what it says about
    /// each channel.
    /// - Parameter truthROAS: each channel's true ROAS when the data were simulated (the demo),
    ///   `[channels]`; shown beside the estimates.
    public static func fit(_ run: FitRun, truthROAS: [Double]? = nil) -> Report {
        let facts = FitFacts(run)
        return Report(title: "\(run.scenario.name) — fit report", subtitle: subtitle(facts),
                      sections: fitSections(facts, truthROAS: truthROAS, planned: nil))
    }

    /// The fit's report from a posterior at hand (a plan that reused a stored fit).
    public static func fit(scenario: Scenario, posterior: Posterior, truthROAS: [Double]? = nil) -> Report {
        let facts = FitFacts(scenario: scenario, posterior: posterior)
        return Report(title: "\(scenario.name) — fit report", subtitle: subtitle(facts),
                      sections: fitSections(facts, truthROAS: truthROAS, planned: nil))
    }

    static func subtitle(_ facts: FitFacts) -> String {
        let config = facts.scenario.sampler
        return "\(facts.data.periods) \(facts.periodWord)s of \(facts.data.targetName), \(facts.data.channels.count) channels; "
            + "\(facts.scenario.model.adstock.rawValue) adstock, \(facts.scenario.model.saturation.rawValue) saturation; "
            + "\(config.chains) chains × \(config.draws) draws, seed \(config.seed)"
    }

    /// - Parameter planned: the plan's weekly spend per channel, marked on the response curves.
    static func fitSections(_ facts: FitFacts, truthROAS: [Double]?, planned: [Double]?) -> [ReportSection] {
        let figures = FitFigures(facts.posterior, seed: facts.scenario.sampler.seed, interval: 0.90)
        var sections = [
            headline(facts),
            actualVersusFitted(facts, figures),
            contributions(facts, figures),
            roas(facts, truthROAS: truthROAS),
            responseCurves(scenario: facts.scenario, posterior: facts.posterior, planned: planned),
            adstock(facts, figures),
        ]
        if !facts.effectiveness.isEmpty { sections.append(effectiveness(facts)) }
        sections.append(diagnostics(facts))
        if !facts.liftTests.isEmpty { sections.append(liftTests(facts)) }
        return sections
    }

    // MARK: - Sections

    static func headline(_ facts: FitFacts) -> ReportSection {
        let data = facts.data, c = facts.convergence, k = facts.check
        let first = data.dates.first ?? "?", last = data.dates.last ?? "?"
        var blocks: [ReportBlock] = [.paragraph(
            "\(data.periods) \(facts.periodWord)s of \(data.targetName) from \(first) to \(last); channels: \(data.channels.joined(separator: ", "))"
                + (data.controlNames.isEmpty ? "." : "; controls: \(data.controlNames.joined(separator: ", ")).")
        )]
        let config = facts.scenario.sampler
        if c.converged {
            blocks.append(.callout(
                "Converged: the \(config.chains) chains agree (largest R-hat \(String(format: "%.3f", c.maxRHat)), smallest effective sample size "
                    + "\(ReportFormat.value(min(c.minBulkESS, c.minTailESS), .integer))) and no draw diverged, so the sampler has explored the posterior "
                    + "and the bands below mean what they say."))
        } else {
            blocks.append(.callout("Not converged — do not act on these numbers yet: " + c.warnings.joined(separator: "; ") + "."))
        }
        let total = data.target.reduce(0, +)
        let media = facts.channels.reduce(0) { $0 + $1.contribution.mean }
        let spend = facts.channels.reduce(0) { $0 + $1.spend }
        blocks.append(.paragraph(
            "Media drove \(ReportFormat.money(media)) of the \(ReportFormat.money(total)) \(data.targetName) (\(String(format: "%.0f%%", 100 * media / total))) "
                + "on \(ReportFormat.money(spend)) of spend, a blended ROAS of \(String(format: "%.2f", media / spend)). "
                + "The model explains \(String(format: "%.0f%%", 100 * max(k.rSquared, 0))) of the \(facts.periodWord)-to-\(facts.periodWord) variation "
                + "(R² \(String(format: "%.3f", k.rSquared))"
                + (k.mape.isNaN ? "" : ", mean absolute error \(String(format: "%.1f%%", 100 * k.mape))")
                + "); \(k.covered) of \(k.periods) \(facts.periodWord)s fall inside the 90% predictive band (about 90% should).")
        )
        return ReportSection(id: "headline", title: "Headline", blocks: blocks)
    }

    static func actualVersusFitted(_ facts: FitFacts, _ f: FitFigures) -> ReportSection {
        let data = facts.data
        let x = data.dates.indices.map(Double.init)
        let unit = "\(data.targetName.capitalized) per \(facts.periodWord) ($)"
        let chart = Chart(
            id: "chart-actual-vs-fitted", title: "Actual vs fitted \(data.targetName)",
            description: "The black line is what happened; the blue line the model's fit, the band where 90% of replicated \(facts.periodWord)s fall.",
            x: ChartAxis(label: facts.periodWord.capitalized, format: .integer, dates: data.dates),
            y: ChartAxis(label: unit, format: .currency),
            marks: [
                ChartMark(.area, name: "90% predictive band", x: x, lower: f.predictiveLower, upper: f.predictiveUpper, colour: 0),
                ChartMark(.line, name: "Fitted (posterior mean)", x: x, y: f.fittedMean, colour: 0),
                ChartMark(.line, name: "Actual", x: x, y: f.actual, colour: ChartPalette.black, thin: true),
            ],
            table: ReportTable(caption: "Actual and fitted \(data.targetName) per \(facts.periodWord)",
                               header: ["date", "actual", "fitted", "band low", "band high"],
                               rows: data.dates.indices.map { t in
                                   [data.dates[t]] + [f.actual[t], f.fittedMean[t], f.predictiveLower[t], f.predictiveUpper[t]].map(ReportFormat.money)
                               }))
        return ReportSection(id: "actual-vs-fitted", title: "Actual vs fitted", blocks: [.charts([chart])])
    }

    /// `model.time_varying`: each varying channel's multiplier over the data and the year after.
    static func effectiveness(_ facts: FitFacts) -> ReportSection {
        let summaries = facts.effectiveness
        let charts = summaries.enumerated().map { k, s in
            let x = s.dates.indices.map(Double.init)
            return Chart(
                id: "chart-effectiveness-\(k + 1)", title: "\(s.channel): effect over the year",
                description: "How much a \(facts.periodWord)'s \(s.channel) spend earns against the channel's average (1 = average over the data), "
                    + "with its 90% band; past the last data \(facts.periodWord) the yearly pattern repeats. Plans read it in their own \(facts.periodWord)s.",
                x: ChartAxis(label: facts.periodWord.capitalized, format: .integer, dates: s.dates),
                y: ChartAxis(label: "Multiplier on the average effect", format: .number),
                marks: [
                    ChartMark(.area, name: "90% band", x: x, lower: s.multiplier.map(\.lower), upper: s.multiplier.map(\.upper), colour: k),
                    ChartMark(.line, name: "Multiplier (posterior mean)", x: x, y: s.multiplier.map(\.mean), colour: k),
                    ChartMark(.vrule, name: "Last data \(facts.periodWord)", x: [Double(s.observed - 1)], colour: ChartPalette.black, thin: true),
                ],
                table: ReportTable(caption: "\(s.channel)'s multiplier per \(facts.periodWord)",
                                   header: ["date", "in the data", "multiplier", "band low", "band high"],
                                   rows: s.dates.indices.map { t in
                                       [s.dates[t], t < s.observed ? "yes" : "no"]
                                           + [s.multiplier[t].mean, s.multiplier[t].lower, s.multiplier[t].upper].map { String(format: "%.3f", $0) }
                                   }))
        }
        let lines = summaries.map { s in
            "\(s.channel) works best around \(s.peak.date) (\(String(format: "%.2f", s.peak.value))× its average) and least around \(s.trough.date) (\(String(format: "%.2f", s.trough.value))×)."
        }
        return ReportSection(id: "effectiveness", title: "Effects that change over the year",
                             blocks: [.paragraph(lines.joined(separator: " ")), .charts(charts)])
    }

    static func contributions(_ facts: FitFacts, _ f: FitFigures) -> ReportSection {
        let data = facts.data
        let x = data.dates.indices.map(Double.init)
        var layers: [(String, [Double], Int, Double)] = [("Baseline (level, trend, seasonality)", f.baseline, ChartPalette.grey, 0.45)]
        if !data.controlNames.isEmpty { layers.append(("Controls vs their average (\(data.controlNames.joined(separator: ", ")))", f.controls, ChartPalette.black, 0.3)) }
        for (c, name) in data.channels.enumerated() { layers.append((name, f.channels[c], ChartPalette.series(c), 0.85)) }
        var bottom = [Double](repeating: 0, count: data.periods)
        var marks: [ChartMark] = []
        for (name, series, colour, opacity) in layers {
            let top = zip(bottom, series).map { $0 + $1 }
            marks.append(ChartMark(.area, name: name, x: x, lower: bottom, upper: top, colour: colour, opacity: opacity))
            bottom = top
        }
        marks.append(ChartMark(.line, name: "Actual", x: x, y: f.actual, colour: ChartPalette.black, thin: true))
        let chart = Chart(
            id: "chart-contributions", title: "What made each \(facts.periodWord)'s \(data.targetName)",
            description: "Posterior-mean contributions stacked from the baseline up; their sum is the fitted \(data.targetName).",
            x: ChartAxis(label: facts.periodWord.capitalized, format: .integer, dates: data.dates),
            y: ChartAxis(label: "\(data.targetName.capitalized) per \(facts.periodWord) ($)", format: .currency, includeZero: true),
            marks: marks,
            table: ReportTable(caption: "Mean contribution per \(facts.periodWord)",
                               header: ["date"] + layers.map(\.0),
                               rows: data.dates.indices.map { t in [data.dates[t]] + layers.map { ReportFormat.money($0.1[t]) } }))
        let totals = ReportTable(
            caption: "Contribution over the whole period (controls are measured from their average, so theirs sums to about zero)",
            header: ["component", "total", "share of \(data.targetName)"],
            rows: layers.map { name, series, _, _ in
                let s = series.reduce(0, +)
                return [name, ReportFormat.money(s), String(format: "%.1f%%", 100 * s / data.target.reduce(0, +))]
            })
        return ReportSection(id: "contributions", title: "Contributions over time", blocks: [.charts([chart]), .table(totals)])
    }

    static func roas(_ facts: FitFacts, truthROAS: [Double]?) -> ReportSection {
        let names = facts.channels.map(\.channel)
        let x = names.indices.map(Double.init)
        var marks = [
            ChartMark(.bars, name: "Posterior mean", x: x, y: facts.channels.map(\.roas.mean), colour: 0, width: 0.55),
            ChartMark(.errorBars, name: "90% band", x: x, lower: facts.channels.map(\.roas.lower), upper: facts.channels.map(\.roas.upper),
                      colour: ChartPalette.black),
            ChartMark(.hrule, name: "Break-even (ROAS 1)", y: [1], colour: ChartPalette.grey, dashed: true),
        ]
        if let truth = truthROAS { marks.append(ChartMark(.points, name: "True ROAS (simulated data)", x: x, y: truth, colour: 3)) }
        let learned = facts.channels.contains { $0.priorNarrowed != nil }
        var header = ["channel", "spend", "contribution", "ROAS", "90% band"]
        if learned { header += ["from data"] }
        if truthROAS != nil { header += ["true ROAS", "inside band"] }
        let rows = facts.channels.enumerated().map { c, s -> [String] in
            var row = [s.channel, ReportFormat.money(s.spend), ReportFormat.money(s.contribution.mean), String(format: "%.2f", s.roas.mean),
                       String(format: "%.2f – %.2f", s.roas.lower, s.roas.upper)]
            if learned { row += [PriorNarrowing.percent(s.priorNarrowed)] }
            if let truth = truthROAS, c < truth.count { row += [String(format: "%.2f", truth[c]), s.roas.contains(truth[c]) ? "yes" : "no"] }
            return row
        }
        let chart = Chart(
            id: "chart-roas", title: "Return on ad spend per channel",
            description: "Revenue each channel added per dollar spent over the whole period (carryover included)"
                + (truthROAS == nil ? "." : "; the dots are the true values the data were simulated from."),
            x: ChartAxis(label: "Channel", format: .integer, categories: names),
            y: ChartAxis(label: "ROAS ($ revenue per $ spent)", format: .ratio, includeZero: true),
            marks: marks, table: ReportTable(caption: "ROAS per channel", header: header, rows: rows))
        let best = facts.channels.max { $0.roas.mean < $1.roas.mean }
        let widest = facts.channels.max { ($0.roas.upper - $0.roas.lower) / max($0.roas.mean, 1e-9) < ($1.roas.upper - $1.roas.lower) / max($1.roas.mean, 1e-9) }
        var text = ""
        if let best, let widest {
            text = "\(best.channel) returned the most per dollar (\(String(format: "%.2f", best.roas.mean))); \(widest.channel)'s return is the least certain "
                + "(\(String(format: "%.2f to %.2f", widest.roas.lower, widest.roas.upper))). A wide band means the data cannot tell; a lift test on that channel would."
        }
        if learned {
            // "From data" in the table: the posterior contraction of each ROAS prior (PriorNarrowing).
            let weak = PriorNarrowing.mostlyPriorChannels(facts.channels)
            text += weak.isEmpty
                ? " The data narrowed every channel's ROAS prior by \(PriorNarrowing.percent(PriorNarrowing.mostlyPrior)) or more (the table's \"from data\")."
                : " The data narrowed the ROAS prior of " + weak.map { "\($0.channel) by \(PriorNarrowing.percent($0.priorNarrowed))" }.joined(separator: ", ")
                    + " only: under \(PriorNarrowing.percent(PriorNarrowing.mostlyPrior)) a band is mostly the prior's width, not the data's."
        }
        return ReportSection(id: "roas", title: "Return on ad spend", blocks: [.paragraph(text), .charts([chart])])
    }

    /// The response curves, with the plan's spend per period marked when `planned` is given
    /// (`[channels]`): drawn from the posterior alone, no diagnostics, so a plan on a stored fit
    /// draws them with its own spend.
    static func responseCurves(scenario: Scenario, posterior: Posterior, planned: [Double]?) -> ReportSection {
        let horizon = scenario.plan.horizon, data = posterior.model.data
        let word = FitFacts.periodWord(data)
        let charts = data.channels.enumerated().map { c, name -> Chart in
            let plannedWeekly = planned.map { $0[c] }
            let r = ResponseFigure(posterior, channel: c, horizon: horizon, planned: plannedWeekly, interval: 0.90)
            var marks = [
                ChartMark(.span, name: "Spend range in the data", x: [r.observed.min, r.observed.max], colour: ChartPalette.grey),
                ChartMark(.area, name: "90% band", x: r.spend, lower: r.lower, upper: r.upper, colour: ChartPalette.series(c)),
                ChartMark(.line, name: "Expected", x: r.spend, y: r.mean, colour: ChartPalette.series(c)),
                ChartMark(.vrule, name: "Recent spend (last \(horizon) \(word)s)", x: [r.recent], colour: ChartPalette.black, dashed: true),
            ]
            if let p = plannedWeekly { marks.append(ChartMark(.vrule, name: "Planned spend", x: [p], colour: ChartPalette.black)) }
            return Chart(
                id: "chart-curve-\(c + 1)", title: "\(name): \(word)ly response",
                description: "\(name)'s extra \(data.targetName) per \(word) at a steady \(word)ly spend; shaded: the spend the data have seen "
                    + "(\(ReportFormat.money(r.observed.min)) to \(ReportFormat.money(r.observed.max))).",
                x: ChartAxis(label: "Spend per \(word) ($)", format: .currency, includeZero: true),
                y: ChartAxis(label: "Extra \(data.targetName) per \(word) ($)", format: .currency, includeZero: true),
                marks: marks,
                table: ReportTable(caption: "\(name): response at a steady \(word)ly spend",
                                   header: ["spend per \(word)", "expected", "band low", "band high"],
                                   rows: r.spend.indices.map { i in [r.spend[i], r.mean[i], r.lower[i], r.upper[i]].map(ReportFormat.money) }))
        }
        return ReportSection(id: "response-curves", title: "Response curves", blocks: [
            .paragraph("How much each channel adds as its spend grows, once carryover has built up. The curve bends where returns diminish; beyond the "
                + "shaded range the model extrapolates, so plans that move far outside it rest on the curve's assumed shape."),
            .charts(charts),
        ])
    }

    static func adstock(_ facts: FitFacts, _ f: FitFigures) -> ReportSection {
        let lags = facts.scenario.model.maxLag
        let categories = (0..<lags).map(String.init)
        let x = categories.indices.map(Double.init)
        let word = facts.periodWord
        let charts = facts.data.channels.enumerated().compactMap { c, name -> Chart? in
            guard let w = f.adstock[c] else { return nil }
            return Chart(
                id: "chart-adstock-\(c + 1)", title: "\(name): carryover",
                description: "Share of a \(word)'s effect felt 0, 1, 2… \(word)s after the spend.",
                x: ChartAxis(label: "\(word.capitalized)s after spend", format: .integer, categories: categories),
                y: ChartAxis(label: "Share of the effect (%)", format: .percent, includeZero: true),
                marks: [
                    ChartMark(.bars, name: "Mean weight", x: x, y: w.mean, colour: ChartPalette.series(c), width: 0.6),
                    ChartMark(.errorBars, name: "90% band", x: x, lower: w.lower, upper: w.upper, colour: ChartPalette.black),
                ],
                table: ReportTable(caption: "\(name): adstock weight per lag", header: ["lag", "mean", "band low", "band high"],
                                   rows: (0..<lags).map { l in [String(l)] + [w.mean[l], w.lower[l], w.upper[l]].map { ReportFormat.value($0, .percent) } }))
        }
        return ReportSection(id: "adstock", title: "Carryover (adstock)", blocks: [
            .paragraph("Adstock weights are normalized: a steady spend keeps its level, and the weights say how the effect of one \(word)'s spend is spread over the following \(word)s."
                + (charts.count < facts.data.channels.count ? " This model does not name its decay parameters as the report expects, so some channels are missing here." : "")),
            .charts(charts),
        ])
    }

    static func liftTests(_ facts: FitFacts) -> ReportSection {
        let checks = facts.liftTests
        let names = checks.map { "\($0.test.channel) \(ReportFormat.money($0.test.spend))→\(ReportFormat.money($0.test.spend + $0.test.change))" }
        let x = names.indices.map(Double.init)
        let z = normalQuantile(0.95)
        let chart = Chart(
            id: "chart-lift-tests", title: "Lift tests against the model",
            description: "Each experiment's measured lift (with its 90% interval) beside the fitted model's answer for the same move.",
            x: ChartAxis(label: "Experiment", format: .integer, categories: names),
            y: ChartAxis(label: "Extra \(facts.data.targetName) per \(facts.periodWord) ($)", format: .currency, includeZero: true),
            marks: [
                ChartMark(.errorBars, name: "Measured ± 1.645 SE", x: x, lower: checks.map { $0.test.lift - z * $0.test.standardError },
                          upper: checks.map { $0.test.lift + z * $0.test.standardError }, colour: ChartPalette.black, offset: -0.12),
                ChartMark(.points, name: "Measured", x: x, y: checks.map(\.test.lift), colour: ChartPalette.black, offset: -0.12),
                ChartMark(.errorBars, name: "Model 90% band", x: x, lower: checks.map(\.modelled.lower), upper: checks.map(\.modelled.upper), colour: 0, offset: 0.12),
                ChartMark(.points, name: "Model mean", x: x, y: checks.map(\.modelled.mean), colour: 0, offset: 0.12),
            ],
            table: ReportTable(caption: "Lift tests", header: ["test", "measured", "SE", "model", "band low", "band high", "gap (SE)"],
                               rows: checks.enumerated().map { i, c in
                                   [names[i], ReportFormat.money(c.test.lift), ReportFormat.money(c.test.standardError), ReportFormat.money(c.modelled.mean),
                                    ReportFormat.money(c.modelled.lower), ReportFormat.money(c.modelled.upper), String(format: "%+.1f", c.standardizedGap)]
                               }))
        let far = checks.filter { abs($0.standardizedGap) > 2 }
        let text = far.isEmpty
            ? "The fit agrees with every experiment within two standard errors."
            : "The fit disagrees with \(far.count) experiment(s) by more than two standard errors: \(far.map(\.test.channel).joined(separator: ", "))."
        return ReportSection(id: "lift-tests", title: "Lift tests", blocks: [.paragraph(text), .charts([chart])])
    }
}
