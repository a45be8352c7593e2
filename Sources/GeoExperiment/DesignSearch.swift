import Foundation
import MediaModel
import Sampling

/// A candidate geo experiment before it runs: which geos to treat, how well a synthetic control
/// predicted them on held-out history, and the smallest effect such a test would detect.
public struct DesignCandidate: Sendable, Equatable {
    /// Treated geo indices, sorted; the other geos are the controls.
    public var treated: [Int]
    /// Root mean square error of the counterfactual's total over held-out windows of the test's
    /// length (target units), and that error relative to the treated geos' total. Measured on the
    /// last held-out stretch, which the search did not choose on (see `DesignSearch`).
    public var windowError: Double
    public var relativeError: Double
    /// The same error on the earlier held-out stretch, which the search minimizes.
    public var selectionError: Double
    /// Minimum detectable effect over the test (target units): (z₀.₉₅ + z₀.₈₀) × `windowError`,
    /// a one-sided 5% test with 80% power.
    public var minimumDetectableEffect: Double
    /// The test's spend change over its length: change × the treated geos' recent weekly spend × weeks.
    public var spendChange: Double
    /// The incremental ROAS the test can detect: MDE ÷ |spend change| (nil without spend).
    public var minimumDetectableROAS: Double? {
        abs(spendChange) > 0 ? minimumDetectableEffect / abs(spendChange) : nil
    }
}

/// A seeded search for the treated geos whose counterfactual is most accurate for a test of a
/// given length and spend change (the lowest detectable incremental ROAS), GeoLift's design step.
///
/// Each candidate is scored by a fast stand-in for the Bayesian synthetic control: non-negative
/// ridge regression of the treated geos' total on the control geos (each scaled by its mean, plus
/// an intercept, the same shape as the sampled model) fitted on the history before a held-out
/// stretch at the end, and judged on the totals of every test-length window inside it, as the
/// test itself will be judged after the data. The stretch has two halves: the search minimizes the
/// error on the first; the error it reports (and so the minimum detectable effect) comes from the
/// second, because the best of hundreds of noisy scores flatters itself. Random subsets of the
/// requested size are scored, then the best is improved by swapping a treated geo for a control
/// while that lowers the score.
public enum DesignSearch {
    /// - Parameters:
    ///   - data: geo data.
    ///   - channel: the channel the test will change.
    ///   - weeks: the test's length in periods.
    ///   - change: the relative spend change (0.5: +50%, −1: off).
    ///   - treatedCount: how many geos to treat.
    ///   - candidates: random subsets to score before the swaps (default 300).
    ///   - seed: the search's seed.
    /// - Returns: the best candidates, best first (at most `keep`).
    /// - Throws: `GeoExperimentError` when the history is too short for held-out windows.
    public static func search(data: Dataset, channel: Int, weeks: Int, change: Double, treatedCount: Int,
                              candidates: Int = 300, seed: UInt64, keep: Int = 5) throws -> [DesignCandidate] {
        let G = data.geoCount, T = data.periods
        guard treatedCount >= 1, treatedCount <= G - 2 else {
            throw GeoExperimentError.invalid("treat 1 to \(G - 2) geos (at least two controls), not \(treatedCount)")
        }
        // Two held-out halves at the end, each at least one test long and at most half a year;
        // the fit needs at least 26 periods (or half the history) before them.
        let minimumFit = max(26, T / 2)
        let half = min(26, (T - minimumFit) / 2)
        guard weeks >= 1, half >= weeks else {
            throw GeoExperimentError.invalid("\(T) periods leave no room for two held-out \(weeks)-period windows after \(minimumFit) periods to fit on")
        }
        let fitEnd = T - 2 * half
        let selection = fitEnd..<(fitEnd + half), report = (fitEnd + half)..<T
        let targets = (0..<G).map { data.target(geo: $0) }
        let spend = (0..<G).map { data.spend(geo: $0, channel: channel) }
        let recent = max(T - 13, 0)..<T

        /// RMS error of window totals over every `weeks`-long window inside `stretch`, and the mean total.
        func windowError(_ prediction: [Double], _ y: [Double], in stretch: Range<Int>) -> (rmse: Double, level: Double) {
            var squares = 0.0, level = 0.0, count = 0
            for start in stretch.lowerBound...(stretch.upperBound - weeks) {
                let window = start..<(start + weeks)
                let error = window.reduce(0) { $0 + prediction[$1] - y[$1] }
                squares += error * error
                level += window.reduce(0) { $0 + y[$1] }
                count += 1
            }
            return ((squares / Double(count)).squareRoot(), level / Double(count))
        }

        func score(_ treated: [Int]) -> DesignCandidate {
            let set = Set(treated)
            let controls = (0..<G).filter { !set.contains($0) }
            let y = LiftAnalysis.sum(treated.map { targets[$0] }, periods: T)
            let prediction = NonNegativeRidge.fitAndPredict(y: y, controls: controls.map { targets[$0] }, fit: 0..<fitEnd)
            let chosen = windowError(prediction, y, in: selection), reported = windowError(prediction, y, in: report)
            let weeklySpend = treated.reduce(0) { s, g in recent.reduce(s) { $0 + spend[g][$1] } } / Double(recent.count)
            return DesignCandidate(treated: treated.sorted(), windowError: reported.rmse, relativeError: reported.rmse / reported.level,
                                   selectionError: chosen.rmse,
                                   minimumDetectableEffect: (1.6448536269514722 + 0.8416212335729143) * reported.rmse,
                                   spendChange: change * weeklySpend * Double(weeks))
        }
        // The smaller the selection error per unit of spend change the better (the detectable ROAS
        // on the first half); without spend, the smaller the error.
        func key(_ c: DesignCandidate) -> Double { abs(c.spendChange) > 0 ? c.selectionError / abs(c.spendChange) : c.selectionError }

        var rng = SeededGenerator(seed: seed, stream: 3_000)
        var seen = Set<[Int]>()
        var scored: [DesignCandidate] = []
        for _ in 0..<candidates {
            var pool = Array(0..<G)
            for i in 0..<treatedCount {
                let j = i + Int(rng.next() % UInt64(G - i))
                pool.swapAt(i, j)
            }
            let subset = Array(pool.prefix(treatedCount)).sorted()
            guard seen.insert(subset).inserted else { continue }
            scored.append(score(subset))
        }
        scored.sort { key($0) < key($1) || (key($0) == key($1) && $0.treated.lexicographicallyPrecedes($1.treated)) }
        // Swaps from the best: one treated geo for one control, while the score improves.
        if var best = scored.first {
            var improved = true, rounds = 0
            while improved && rounds < 3 {
                improved = false; rounds += 1
                for i in 0..<best.treated.count {
                    for g in 0..<G where !best.treated.contains(g) {
                        var subset = best.treated
                        subset[i] = g
                        subset.sort()
                        guard seen.insert(subset).inserted else { continue }
                        let candidate = score(subset)
                        scored.append(candidate)
                        if key(candidate) < key(best) { best = candidate; improved = true; break }
                    }
                    if improved { break }
                }
            }
            scored.sort { key($0) < key($1) || (key($0) == key($1) && $0.treated.lexicographicallyPrecedes($1.treated)) }
        }
        return Array(scored.prefix(keep))
    }
}

/// Least squares with non-negative weights, a ridge penalty and a free intercept, by coordinate
/// descent: the design search's fast stand-in for the sampled synthetic control.
enum NonNegativeRidge {
    /// Fits y ≈ a + Σ w_j x_j/mean(x_j) (w ≥ 0) over `fit`, with y and x scaled by their fit means and
    /// penalty `lambda` · Σ w², and predicts every period, `[periods]`, in y's units.
    static func fitAndPredict(y: [Double], controls: [[Double]], fit: Range<Int>, lambda: Double = 1, sweeps: Int = 60) -> [Double] {
        let T = fit.count, J = controls.count
        let yScale = fit.reduce(0) { $0 + y[$1] } / Double(T)
        let scales = controls.map { s in max(fit.reduce(0) { $0 + s[$1] } / Double(T), 1e-300) }
        let ys = fit.map { y[$0] / yScale }
        let xs = controls.indices.map { j in fit.map { controls[j][$0] / scales[j] } }
        let norms = xs.map { $0.reduce(0) { $0 + $1 * $1 } }
        var w = [Double](repeating: 1 / Double(J), count: J)
        var residual = ys
        for j in 0..<J { for t in 0..<T { residual[t] -= w[j] * xs[j][t] } }
        var a = residual.reduce(0, +) / Double(T)
        for t in 0..<T { residual[t] -= a }
        for _ in 0..<sweeps {
            for j in 0..<J {
                var dot = 0.0
                for t in 0..<T { dot += xs[j][t] * residual[t] }
                let updated = max(0, (dot + w[j] * norms[j]) / (norms[j] + lambda))
                let delta = updated - w[j]
                if delta != 0 { for t in 0..<T { residual[t] -= delta * xs[j][t] } }
                w[j] = updated
            }
            let shift = residual.reduce(0, +) / Double(T)
            a += shift
            for t in 0..<T { residual[t] -= shift }
        }
        return (0..<y.count).map { t in
            var mu = a
            for j in 0..<J { mu += w[j] * controls[j][t] / scales[j] }
            return mu * yScale
        }
    }
}
