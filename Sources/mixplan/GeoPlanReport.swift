import Foundation
import MediaModel
import Planning

/// What `mixplan plan` adds for geo data: each geo's part of the plan (empty for national data).
struct GeoPlanReport {
    let run: PlanRun
    init(_ run: PlanRun) { self.run = run }

    var text: String {
        guard let geo = run.geo else { return "" }
        let kind = run.scenario.data.targetKind
        var order: [String] = []
        var spend: [String: Double] = [:], revenue: [String: Double] = [:]
        for (r, pair) in geo.evaluation.channels.enumerated() {
            if spend[geo.geos[r]] == nil { order.append(geo.geos[r]) }
            spend[geo.geos[r], default: 0] += pair.spend
            revenue[geo.geos[r], default: 0] += pair.revenue.mean
        }
        let how = run.scenario.plan.byGeo ? "optimized per (geo, channel)" : "each channel split as its last \(run.scenario.plan.horizon) periods' spend (plan.by_geo: true optimizes the split)"
        var out = "\n\nPer geo (\(how)):\n"
        let budget = max(run.problem.budget, .leastNormalMagnitude)
        out += table(header: ["geo", "spend", "share", kind.targetLabel, kind.returnLabel], rows: order.map { g in
            [g, money(spend[g]!), String(format: "%.1f%%", 100 * spend[g]! / budget), money(revenue[g]!),
             spend[g]! > 0 ? String(format: "%.2f", revenue[g]! / spend[g]!) : "n/a"]
        })
        return out
    }
}
