import Foundation
import MediaModel

extension SimulatedWorld {
    /// How visibly this world's saturation family differs from `other` in its history, in units of
    /// expected log-likelihood: Σ_c min over θ, β ≥ 0 and an offset a of
    /// Σ_t (true contribution_c,t − a − β·s_other(x_c,t; θ))² / (2σ²), where x_c,t is the channel's
    /// truly adstocked spend and σ the world's noise sd.
    ///
    /// An idealised measure, not a bound: what a fit that knew everything else (the true
    /// carryover, the baseline, the noise; no priors) would lose by forcing `other`'s shape onto
    /// each channel separately. Under about 4 the difference is small (Vehtari et al., LOO FAQ).
    /// Channels whose spends move together can add their misfits, so a comparison of real fits
    /// may see somewhat more in correlated worlds, or less where priors and the unknown
    /// carryover absorb the misfit. The decision study uses it to say in which worlds the family
    /// can be told, without asking the fits being judged. Each channel's θ is found on a log grid
    /// refined twice around its best point (the offset stands for the intercept).
    ///
    /// Call it on the world `simulate()` returns: the noise sd needs the intercept it sets.
    public func familyGap(to other: SaturationKind, history: WorldHistory) -> Double {
        precondition(intercept > 0, "familyGap needs the world simulate() returns (its intercept sets the noise sd)")
        let T = periods
        let mediaPerWeek = history.contributions.map { $0.reduce(0, +) }.reduce(0, +) / Double(T)
        let sigma = noiseShare * (intercept + mediaPerWeek)
        guard sigma > 0 else { return .infinity }
        var gap = 0.0
        for c in channels.indices {
            let x = adstocked(history.dataset.spend[c].map { $0 / history.spendScale[c] }, weights: appliedWeights[c])
            gap += Self.leastSquaresMisfit(history.contributions[c], inputs: x, family: other) / (2 * sigma * sigma)
        }
        return gap
    }

    /// The smallest Σ_t (y_t − a − β·s(x_t; θ))² over θ, a and β ≥ 0 (a grid search on log θ).
    static func leastSquaresMisfit(_ y: [Double], inputs x: [Double], family: SaturationKind) -> Double {
        // Search boxes on log θ: Hill's κ over six decades around the spend scale and its slope 0.2–8; κ or λ over eight.
        let boxes: [ClosedRange<Double>] = family == .hill ? [log(1e-3)...log(1e3), log(0.2)...log(8)] : [log(1e-4)...log(1e4)]
        func misfit(_ logTheta: [Double]) -> Double {
            let s = family.family.values(at: x, parameters: logTheta.map(exp))
            return regressionResidual(y, on: s)
        }
        var centre = boxes.map { ($0.lowerBound + $0.upperBound) / 2 }
        var halfWidth = boxes.map { ($0.upperBound - $0.lowerBound) / 2 }
        var best = Double.infinity
        let points = boxes.count == 1 ? 61 : 25
        for _ in 0..<3 {
            var bestPoint = centre
            func visit(_ i: Int, _ point: [Double]) {
                if i == boxes.count {
                    let m = misfit(point)
                    if m < best { best = m; bestPoint = point }
                    return
                }
                for k in 0..<points {
                    var p = point
                    p[i] = centre[i] - halfWidth[i] + 2 * halfWidth[i] * Double(k) / Double(points - 1)
                    visit(i + 1, p)
                }
            }
            visit(0, centre)
            centre = bestPoint
            halfWidth = halfWidth.map { 4 * $0 / Double(points - 1) }
        }
        return best
    }

    /// Residual sum of squares of y on (1, s) with the slope held ≥ 0.
    static func regressionResidual(_ y: [Double], on s: [Double]) -> Double {
        let n = Double(y.count)
        let my = y.reduce(0, +) / n, ms = s.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(y, s) { sxy += (b - ms) * (a - my); sxx += (b - ms) * (b - ms); syy += (a - my) * (a - my) }
        guard sxx > 0, sxy > 0 else { return syy }
        return max(syy - sxy * sxy / sxx, 0)
    }
}
