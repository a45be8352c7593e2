import Foundation

extension Posterior {
    /// Each draw's effectiveness multiplier of channel c over `periods` (counted from the data's
    /// first period; indices from T on are the future), `[draws][periods.count]`; nil when the
    /// channel's effect does not vary (`model.time_varying`).
    ///
    /// The multiplier has mean 1 over the data and repeats its yearly pattern past it.
    public func effectiveness(channel c: Int, periods: Range<Int>) -> [[Double]]? {
        guard let basis = model.timeBasis, let index = model.effectivenessIndex.first(where: { $0.channel == c }) else { return nil }
        let T = model.periods, K = basis.seasonalTermCount
        let inData = TimeVariation.scaledDesign(basis, periods: 0..<T), asked = TimeVariation.scaledDesign(basis, periods: periods)
        let n = periods.count
        return unconstrainedDraws.map { theta in
            let coefficient = index.z.map { theta[$0] }
            func logMultiplier(_ design: [Double], count: Int) -> [Double] {
                var f = [Double](repeating: 0, count: count)
                for k in 0..<K where coefficient[k] != 0 {
                    for t in 0..<count { f[t] += coefficient[k] * design[k * count + t] }
                }
                return f
            }
            let data = logMultiplier(inData, count: T)
            let top = data.max() ?? 0
            let mean = data.reduce(0) { $0 + exp($1 - top) } / Double(max(T, 1))
            return logMultiplier(asked, count: n).map { exp($0 - top) / mean }
        }
    }

    /// Channel c's multiplier averaged over a flat flight of `horizon` periods starting `start`
    /// periods after the data's first, weighted by what the flight earns in each period (horizon
    /// and carryover tail) at the channel's average weekly spend in the data, `[draws]`; nil when
    /// it does not vary. Exact for a flight at that spend; a flat curve read far from it errs by
    /// the change in that profile (plans use the exact per-period curves).
    func flightEffectiveness(channel c: Int, start: Int, horizon: Int) -> [Double]? {
        let weights = adstockWeights(channel: c)
        let L = weights.first?.count ?? 1, n = horizon + L - 1
        guard let m = effectiveness(channel: c, periods: start..<(start + n)) else { return nil }
        let typical = model.data.totalSpend[c] / Double(max(model.periods, 1)) / model.scales.spend[c]
        let family = model.specification.saturation.family
        return m.indices.map { d in
            let w = weights[d]
            let arriving = (0..<n).map { tau -> Double in
                var a = 0.0
                for l in max(0, tau - horizon + 1)...min(tau, L - 1) { a += w[l] }
                return max(a * typical, 1e-12)
            }
            let earned = family.values(at: arriving, parameters: curves[d][c].saturation)
            let total = earned.reduce(0, +)
            return total > 0 ? zip(earned, m[d]).reduce(0) { $0 + $1.0 * $1.1 } / total : 1
        }
    }
}
