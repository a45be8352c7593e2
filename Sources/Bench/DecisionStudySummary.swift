import BudgetOptimization
import Foundation
import MediaModel
import Simulation
import Planning
import Sampling

/// The decision study's summary over its worlds: ROAS and marginal-ROAS error, band coverage,
/// share of the oracle's uplift captured, losers, calibration of P(better) per bin.
func studySummary(_ scores: [WorldScore]) -> String {
    func quantile(_ xs: [Double], _ p: Double) -> Double {
        guard !xs.isEmpty else { return .nan }
        let s = xs.sorted(), h = Double(s.count - 1) * p
        let i = Int(h.rounded(.down)), j = min(i + 1, s.count - 1)
        return s[i] + (h - Double(i)) * (s[j] - s[i])
    }
    let errors = scores.map(\.roasError)
    let lowCorrelation = scores.filter { $0.world.spendCorrelation <= 0.3 }.map(\.roasError)
    let covered = scores.reduce(0) { $0 + $1.channelsCovered }, channels = scores.reduce(0) { $0 + $1.channels }
    let captured = scores.compactMap(\.captured)
    let worse = scores.filter(\.worse)
    var out = "Summary over \(scores.count) worlds\n"
    out += "  ROAS mean abs relative error: median \(pct(quantile(errors, 0.5))), p90 \(pct(quantile(errors, 0.9)))"
        + "; worlds with correlation ≤ 0.3 (\(lowCorrelation.count)): median \(pct(quantile(lowCorrelation, 0.5)))\n"
    out += "  true ROAS inside the 90% band: \(covered) of \(channels) channels (\(pct(Double(covered) / Double(max(channels, 1)))))\n"
    let marginal = scores.map(\.marginalError)
    let marginalLow = scores.filter { $0.world.spendCorrelation <= 0.3 }.map(\.marginalError)
    let marginalCovered = scores.reduce(0) { $0 + $1.marginalCovered }
    out += "  marginal ROAS at the current mix (what spend variation informs): error median \(pct(quantile(marginal, 0.5))), "
        + "p90 \(pct(quantile(marginal, 0.9))); correlation ≤ 0.3: median \(pct(quantile(marginalLow, 0.5))); inside the 90% band: "
        + "\(marginalCovered) of \(channels) (\(pct(Double(marginalCovered) / Double(max(channels, 1)))))\n"
    out += "  share of the oracle's uplift the tool's decision captured (a refusal or a plan that keeps the current mix: 0; \(captured.count) worlds with ≥ 0.5% to gain): "
        + String(format: "median %.2f, p10 %.2f, worst %.2f\n", quantile(captured, 0.5), quantile(captured, 0.1), captured.min() ?? .nan)
    let refits = scores.filter(\.refit), refusedWorlds = scores.filter(\.refused), planned = scores.filter { !$0.refused }
    // Claims of P(plan better): plans made that move at least 1% of the budget.
    let claims = planned.filter { !$0.keptCurrent }
    out += "  fits that failed mixplan's convergence checks at the study's sampler settings: \(refits.count) of \(scores.count); "
        + "refit at 4 × (1000 + 1000): \(refits.count - refusedWorlds.count) converged, \(refusedWorlds.count) refused (current mix kept)\n"
    out += "  plans made (not refused) that move money (≥ 1% of the budget) and are worse than the current mix: "
        + "\(claims.filter(\.worse).count) of \(claims.count); of those claiming P(better) ≥ 0.9: "
        + "\(claims.filter { $0.worse && $0.probabilityBetter >= 0.9 }.count)\n"
    let keptChanges = planned.filter(\.keptCurrent).map { ($0.truePlan - $0.trueCurrent) / $0.trueCurrent }
    out += "  plans that keep the current mix (move < 1% of the budget; their P(better) is no claim): \(keptChanges.count) of \(planned.count)"
        + (keptChanges.isEmpty ? "\n" : "; the small moves they drop would have changed revenue by "
           + "\(pct(keptChanges.min()!)) to \(pct(keptChanges.max()!))\n")
    out += "  every world's plan, refused, kept or not (the raw count, before refusals and kept mixes): worse \(worse.count) of \(scores.count); "
        + "claiming P(better) ≥ 0.9: \(worse.filter { $0.probabilityBetter >= 0.9 }.count)\n"
    let inside = claims.filter { $0.extrapolationAbove == 0 }
    out += "  plans that move money and keep every channel within the weekly spend the data has seen: \(inside.count) of \(claims.count); "
        + "worse than the current mix: \(inside.filter(\.worse).count), of those claiming P(better) ≥ 0.9: "
        + "\(inside.filter { $0.worse && $0.probabilityBetter >= 0.9 }.count)\n"
    out += "  calibration of P(plan better) over the plans that move money (claimed mean vs observed share better):\n"
    for (lo, hi) in [(0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)] {
        let bin = claims.filter { $0.probabilityBetter >= lo && $0.probabilityBetter < hi }
        guard !bin.isEmpty else { out += String(format: "    [%.1f, %.1f): no worlds\n", lo, min(hi, 1)); continue }
        let claimed = bin.map(\.probabilityBetter).reduce(0, +) / Double(bin.count)
        let observed = Double(bin.filter { $0.truePlan > $0.trueCurrent }.count) / Double(bin.count)
        out += String(format: "    [%.1f, %.1f]: %2d worlds, claimed %.2f, observed %.2f\n", lo, min(hi, 1), bin.count, claimed, observed)
    }
    let choosing = scores.filter { $0.familyVisible != nil }
    if !choosing.isEmpty {
        func right(_ xs: [WorldScore]) -> String {
            "\(xs.filter { $0.chosenSaturation == $0.world.saturation.rawValue }.count) of \(xs.count)"
        }
        let visible = choosing.filter { $0.familyVisible == true }
        out += "  saturation family chosen by PSIS-LOO is the true one: \(right(choosing)) worlds; where the comparison "
            + "separates the true family (|Δelpd| > max(4, 2 se)): \(right(visible)); plans on a mix of families: "
            + "\(choosing.filter(\.mixed).count) of \(choosing.count)\n"
        // Visible in the truth, whatever the fit said: the closest other family, fitted by least
        // squares to each channel's true contributions on the true carryover, misses by more than
        // 4 (and 10) in expected log-likelihood.
        out += "  where the families differ visibly in the truth (family gap > 4): \(right(choosing.filter { $0.familyGap > 4 })); "
            + "gap > 10: \(right(choosing.filter { $0.familyGap > 10 }))\n"
    }
    let seconds = scores.map(\.seconds).reduce(0, +)
    out += String(format: "  fitting and planning time: %.0f s in all (%.1f s per world; measured while other builds share the 2 cores)\n",
                  seconds, seconds / Double(max(scores.count, 1)))
    return out
}

func pct(_ x: Double) -> String { x.isFinite ? String(format: "%.1f%%", 100 * x) : "n/a" }
