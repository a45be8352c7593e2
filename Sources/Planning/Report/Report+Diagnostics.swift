import Foundation
import MediaModel
import Sampling

extension Report {
    /// Whether the sampler can be trusted: trace and rank plots of the key parameters (the log
    /// density, each channel's ROAS, the noise), the R-hat/ESS table, divergences and tree depth.
    static func diagnostics(_ facts: FitFacts) -> ReportSection {
        let sampling = facts.posterior.sampling
        let model = facts.posterior.model
        var keys: [(name: String, chains: [[Double]])] = [("lp__", sampling.statistic(\.logDensity))]
        for (i, p) in model.parameters.enumerated() where p.name.hasPrefix("roas.") || p.name == "sigma" {
            keys.append((facts.label(p.name), sampling.coordinate(i).map { $0.map(p.support.constrain) }))
        }
        let traces = keys.map { trace($0.name, $0.chains) }
        let ranks = keys.map { rankPlot($0.name, $0.chains) }

        let c = facts.convergence
        let config = sampling.configuration
        var blocks: [ReportBlock] = [
            .paragraph("\(config.chains) chains of \(config.warmup) warmup and \(config.draws) kept draws. "
                + "Traces of well-mixed chains overlap like noise around one level; their rank histograms are flat (each chain holds its share of every rank bin)."),
            .charts(traces),
            .charts(ranks),
        ]
        let depthCounts = Dictionary(grouping: sampling.chains.flatMap { $0.statistics.map(\.treeDepth) }, by: { $0 }).mapValues(\.count)
        let maxDepth = max(depthCounts.keys.max() ?? 0, 1)
        let depths = Array(1...maxDepth)
        blocks.append(.paragraph(
            (c.divergences == 0 ? "No draw diverged. " : "\(c.divergences) of \(c.draws) draws diverged: the posterior has regions the sampler could not follow. ")
                + (c.maxTreeDepthHits == 0 ? "No draw hit the maximum tree depth (\(config.maxTreeDepth)). "
                    : "\(c.maxTreeDepthHits) draws hit the maximum tree depth (\(config.maxTreeDepth)). ")
                + "E-BFMI, which flags poorly explored energy below 0.3, is at least \(String(format: "%.2f", c.minEBFMI)).")
        )
        blocks.append(.charts([Chart(
            id: "chart-tree-depth", title: "Tree depth of the kept draws",
            description: "How many doublings NUTS needed per draw; draws at the maximum (\(config.maxTreeDepth)) would mean the sampler was cut short.",
            x: ChartAxis(label: "Tree depth (doublings)", format: .integer, categories: depths.map(String.init)),
            y: ChartAxis(label: "Draws", format: .integer, includeZero: true),
            marks: [ChartMark(.bars, name: "", x: depths.indices.map(Double.init), y: depths.map { Double(depthCounts[$0] ?? 0) }, colour: 0, width: 0.6)],
            table: ReportTable(caption: "Draws per tree depth", header: ["depth", "draws"], rows: depths.map { [String($0), String(depthCounts[$0] ?? 0)] }))]))
        let ebfmi = sampling.ebfmi
        blocks.append(.table(ReportTable(
            caption: "Per chain", header: ["chain", "step size", "mean acceptance", "divergences", "at max depth", "E-BFMI"],
            rows: sampling.chains.enumerated().map { i, chain in
                let stats = chain.statistics
                return [String(chain.chain + 1), String(format: "%.3g", chain.stepSize),
                        String(format: "%.2f", stats.map(\.acceptStat).reduce(0, +) / Double(max(stats.count, 1))),
                        String(stats.count(where: \.divergent)), String(stats.count(where: { $0.treeDepth >= config.maxTreeDepth })),
                        i < ebfmi.count ? String(format: "%.2f", ebfmi[i]) : "n/a"]
            })))
        blocks.append(.table(ReportTable(
            caption: "Every parameter: summary, R-hat (should be ≤ 1.01) and effective sample sizes (should be ≥ 400)",
            header: ["parameter", "mean", "sd", "p05", "p95", "R-hat", "ESS bulk", "ESS tail", "check"],
            rows: facts.summaries.map { name, s in
                let ok = s.rHat <= 1.01 && s.essBulk >= 400 && s.essTail >= 400
                return [facts.label(name), ReportFormat.number(s.mean), ReportFormat.number(s.sd), ReportFormat.number(s.lower), ReportFormat.number(s.upper),
                        String(format: "%.3f", s.rHat), ReportFormat.value(s.essBulk, .integer), ReportFormat.value(s.essTail, .integer), ok ? "ok" : "CHECK"]
            })))
        return ReportSection(id: "diagnostics", title: "Sampler diagnostics", blocks: blocks)
    }

    /// The chains' draws in order, one line per chain, thinned to at most 150 points per chain
    /// so the page stays small (the draws file has them all).
    static func trace(_ name: String, _ chains: [[Double]]) -> Chart {
        let n = chains.first?.count ?? 0
        let stride = max(1, (n + 149) / 150)
        let kept = Array(Swift.stride(from: 0, to: n, by: stride))
        let slug = name.replacingOccurrences(of: " ", with: "").filter { $0.isLetter || $0.isNumber || $0 == "_" }
        let marks = chains.enumerated().map { c, values in
            ChartMark(.line, name: "chain \(c + 1)", x: kept.map { Double($0 + 1) }, y: kept.map { values[$0] }, colour: ChartPalette.series(c), thin: true)
        }
        return Chart(
            id: "chart-trace-\(slug)", title: "Trace: \(name)",
            description: "Each chain's draws in order" + (stride > 1 ? " (every \(stride)th shown)." : "."),
            x: ChartAxis(label: "Draw", format: .integer), y: ChartAxis(label: "\(name) (draw value)", format: .number),
            marks: marks,
            table: ReportTable(caption: "\(name) per chain", header: ["chain", "mean", "sd", "min", "max"],
                               rows: chains.enumerated().map { c, v in
                                   let mean = v.reduce(0, +) / Double(max(v.count, 1))
                                   return ["chain \(c + 1)", ReportFormat.number(mean), ReportFormat.number((v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(v.count - 1, 1))).squareRoot()),
                                           ReportFormat.number(v.min() ?? .nan), ReportFormat.number(v.max() ?? .nan)]
                               }))
    }

    /// Rank plot: the draws of all chains ranked together and binned; each chain's histogram of
    /// its ranks, against the flat count every bin would hold if the chains agreed.
    static func rankPlot(_ name: String, _ chains: [[Double]], bins: Int = 20) -> Chart {
        let pooled = chains.enumerated().flatMap { c, v in v.map { (value: $0, chain: c) } }.sorted { $0.value < $1.value }
        var counts = [[Double]](repeating: [Double](repeating: 0, count: bins), count: chains.count)
        for (rank, item) in pooled.enumerated() {
            counts[item.chain][min(rank * bins / max(pooled.count, 1), bins - 1)] += 1
        }
        let expected = Double(pooled.count) / Double(bins * max(chains.count, 1))
        let x = (0..<bins).map { Double($0 + 1) }
        let slug = name.replacingOccurrences(of: " ", with: "").filter { $0.isLetter || $0.isNumber || $0 == "_" }
        var marks = counts.enumerated().map { c, v in ChartMark(.line, name: "chain \(c + 1)", x: x, y: v, colour: ChartPalette.series(c)) }
        marks.append(ChartMark(.hrule, name: "Uniform", y: [expected], colour: ChartPalette.grey, dashed: true))
        return Chart(
            id: "chart-rank-\(slug)", title: "Rank plot: \(name)",
            description: "Draws per rank bin for each chain; flat lines near the dashed uniform count mean the chains agree.",
            x: ChartAxis(label: "Rank bin (of \(bins), low to high)", format: .integer),
            y: ChartAxis(label: "Draws in bin", format: .integer, includeZero: true),
            marks: marks,
            table: ReportTable(caption: "\(name): draws per rank bin", header: ["bin"] + chains.indices.map { "chain \($0 + 1)" },
                               rows: (0..<bins).map { b in [String(b + 1)] + counts.map { String(Int($0[b])) } }))
    }
}
