import BudgetOptimization
import MediaModel

/// A channel's response when its budget is split across geos in fixed shares: the sum of the
/// geos' own curves at their parts of the budget. What a geo fit plans with when the plan
/// allocates channel totals (without `plan.by_geo`).
struct SplitResponse: ChannelResponse {
    let parts: [any ChannelResponse]
    /// Each part's share of the budget, `[parts]`, summing to 1.
    let shares: [Double]
    var drawCount: Int { parts.first?.drawCount ?? 0 }

    func evaluate(budget: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        let D = drawCount
        for d in 0..<D { values[d] = 0; slopes[d] = 0 }
        // Scratch per call, not per part: this runs inside the optimizer's objective.
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * D) { buffer in
            let v = buffer.baseAddress!, s = v + D
            for (part, share) in zip(parts, shares) where share > 0 {
                part.evaluate(budget: budget * share, values: v, slopes: s)
                for d in 0..<D {
                    values[d] += v[d]
                    slopes[d] += share * s[d]
                }
            }
        }
    }

    func restricted(to indices: [Int]) -> any ChannelResponse {
        SplitResponse(parts: parts.map { $0.restricted(to: indices) }, shares: shares)
    }
}

extension SplitResponse {
    /// The responses a plan allocates channel totals over for geo data, `[channels]`: each
    /// channel's pair curves (`pairs`, `[rows]` in `model.rows` order) in the split of its last
    /// `horizon` periods' spend (of its whole history when those are empty).
    static func channels(of pairs: [any ChannelResponse], model: MediaMixModel, horizon: Int) -> [any ChannelResponse] {
        let shares = GeoPlan.recentShares(model: model, horizon: horizon)
        return model.data.channels.indices.map { c in
            let rows = model.rows.indices.filter { model.rows[$0].channel == c }
            return SplitResponse(parts: rows.map { pairs[$0] }, shares: rows.map { shares[$0] })
        }
    }
}
