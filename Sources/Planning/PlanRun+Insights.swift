import BudgetOptimization
import Foundation

/// How far a channel's planned spend per period goes outside the spend per period the data has seen.
public struct SpendExtrapolation: Sendable, Equatable {
    public var channel: String
    /// Smallest and largest spend of one period in the data (national totals for geo data).
    public var observedMin: Double
    public var observedMax: Double
    /// The plan's spend per period (its largest period when spend varies by period).
    public var planned: Double
    /// 0 inside [observedMin, observedMax]; above it planned / observedMax (2.0: twice the largest
    /// period seen); below it observedMin / planned (2.0: half the smallest period seen; infinite
    /// for a plan of 0 when every period in the data spent something). Either way the factor by
    /// which the plan lies outside what the data can speak for.
    public var factor: Double
    /// Whether the plan lies above the range (false: below it, or inside when `factor` is 0).
    public var above: Bool
    /// The plan's largest spend of one period (after `zeroBelow`).
    public var plannedHigh: Double
    /// Every planned period lies below the smallest period the data has seen (a stop of a
    /// channel the data never saw dark, or a cut below all of its history).
    public var belowEveryPeriod: Bool { plannedHigh < observedMin * (1 - 1e-9) }
    /// The extrapolation as the printout and the report state it: "inside", "1.58× below",
    /// "stops (the data never did)", "above (the data never spent)", or "n/a".
    public var label: String {
        if factor.isNaN { return "n/a" }
        if factor == 0 { return "inside" }
        if factor.isInfinite { return above ? "above (the data never spent)" : "stops (the data never did)" }
        return String(format: "%.2f× %@", factor, above ? "above" : "below")
    }

    /// - Parameters:
    ///   - planned: the plan's spend in each period, `[periods]` (one value for an even plan).
    ///   - observed: the data's spend per period, `[periods]`.
    ///   - zeroBelow: a planned spend below this counts as 0 (default 0): the optimizer's sliver
    ///     (`PlanRun.sliverShare` of the budget) is a stop, not "10¹⁴× below".
    public init(channel: String, planned: [Double], observed: [Double], zeroBelow: Double = 0) {
        self.channel = channel
        observedMin = observed.min() ?? 0
        observedMax = observed.max() ?? 0
        let planned = planned.map { $0 < zeroBelow ? 0 : $0 }
        let high = planned.max() ?? 0, low = planned.min() ?? 0
        plannedHigh = high
        // Float noise at a bound (a plan that spends exactly the largest week) is not extrapolation.
        let up = high > observedMax * (1 + 1e-9) ? (observedMax > 0 ? high / observedMax : .infinity) : 0
        let down = low < observedMin * (1 - 1e-9) ? (low > 0 ? observedMin / low : .infinity) : 0
        above = up >= down && up > 0
        factor = max(up, down)
        self.planned = above || down == 0 ? high : low
    }
}

/// What knowing one channel's response better is worth to the plan, and the test that would tell.
public struct ExperimentSuggestion: Sendable {
    public var channel: String
    /// Expected value of perfect partial information, in the target's units over the horizon.
    public var evppi: Double
    /// evppi over the sum of all channels' (0 when nothing is worth learning).
    public var share: Double
    /// Spend per period around which to test (the plan's; see `PlanRun.testCenter` for a channel
    /// the plan takes below every period seen), and the range of spends per period the
    /// best plan would give the channel depending on what the test showed (the EVPPI bins' optima).
    public var spendPerPeriod: Double
    public var low: Double
    public var high: Double
    /// A sentence for experiments.csv, e.g. "lift test on tv around 120k/week (+/-40%)".
    public var suggestedTest: String
}

/// Computed on first use and kept: the value of information re-optimizes the plan tens of times,
/// and a what-if or a frontier step never asks for it; the prior reliance mixes every channel's draws.
final class PlanInsightsCache: @unchecked Sendable {
    private let lock = NSLock()
    private var experiments: [ExperimentSuggestion]?
    private var reliance: PriorReliance?

    func experiments(_ compute: () -> [ExperimentSuggestion]) -> [ExperimentSuggestion] {
        lock.lock()
        defer { lock.unlock() }
        if let experiments { return experiments }
        let value = compute()
        experiments = value
        return value
    }

    /// The printout and the report both state it; each would otherwise mix every channel's draws.
    func reliance(_ compute: () -> PriorReliance) -> PriorReliance {
        lock.lock()
        defer { lock.unlock() }
        if let reliance { return reliance }
        let value = compute()
        reliance = value
        return value
    }
}

extension PlanRun {
    /// Per channel, `[channels]`: how far the plan's spend per period goes outside the data's range.
    public var extrapolation: [SpendExtrapolation] {
        let data = posterior.model.data
        let h = Double(max(scenario.plan.horizon, 1))
        return problem.channels.indices.map { c in
            // Looked up by name: a problem whose variables are not the data's channels (per geo)
            // gets NaN, not another channel's range.
            guard let k = data.channels.firstIndex(of: problem.channels[c]) else {
                var unknown = SpendExtrapolation(channel: problem.channels[c], planned: [allocation[c] / h], observed: [0])
                unknown.factor = .nan
                return unknown
            }
            // A week-by-week plan is judged week by week: its average can sit inside the range
            // while single weeks go outside it, or the other way round.
            var planned = [allocation[c] / h]
            if let s = schedule, s.report != nil, let j = s.problem.channels.firstIndex(of: problem.channels[c]) {
                planned = Array(s.schedule[(j * s.problem.periods)..<((j + 1) * s.problem.periods)])
            }
            return SpendExtrapolation(channel: problem.channels[c], planned: planned, observed: data.spend[k],
                                      zeroBelow: Self.sliverShare * problem.budget / h)
        }
    }

    /// EVPPI per channel, ranked from the most valuable test to the least (see `ValueOfInformation`).
    /// Draws are keyed by each channel's revenue where it operates (the larger of its planned and
    /// current spend), cut into 10 quantile bins, at most 1,000 draws.
    public var experiments: [ExperimentSuggestion] {
        insights.experiments { Self.rankExperiments(self) }
    }

    static func rankExperiments(_ run: PlanRun) -> [ExperimentSuggestion] {
        // The EVPPI compares plans of channel totals: a schedule's rows are read as totals spread
        // evenly over the periods.
        guard let problem = try? run.problem.tied() else { return [] }
        let n = problem.channels.count
        let spends = (0..<n).map { c in
            let s = max(run.allocation[c], run.currentAllocation[c])
            return s > 0 ? s : problem.budget / Double(n)
        }
        let keys = ValueOfInformation.responseKeys(problem, at: spends)
        // Only a malformed problem throws, and PlanRun's problem has passed the same checks.
        guard let voi = try? ValueOfInformation(problem, plan: run.allocation, keys: keys) else { return [] }
        let total = voi.channels.map(\.evppi).reduce(0, +)
        let h = Double(max(run.scenario.plan.horizon, 1))
        let word = FitFacts.periodWord(run.posterior.model.data)
        let seen = run.extrapolation
        let suggestions = voi.channels.enumerated().map { c, v in
            let share = total > 0 ? v.evppi / total : 0
            // A sliver is a stop: its test runs at the current spend too.
            let planned = PlanRun.isSliver(run.allocation[c], budget: problem.budget) ? 0 : run.allocation[c]
            let center = testCenter(planned: planned, operating: spends[c], seen: seen[c], horizon: h) / h
            let perPeriod = v.binOptimalSpend.map { PlanRun.isSliver($0, budget: problem.budget) ? 0 : $0 / h }
            let low = perPeriod.min() ?? center, high = perPeriod.max() ?? center
            let text: String
            if share < 0.01 || v.evppi <= 1e-9 * max(abs(voi.uninformedValue), 1) {
                text = "no test needed: knowing \(v.name) better would hardly change the plan"
            } else {
                // The test should span the spends the plan would likely move to: the middle half of
                // the bins' optima (the outer bins, where the channel turns out very weak or very
                // strong, mostly say "stop" or "as much as allowed").
                let sorted = perPeriod.sorted()
                let q1 = sorted.isEmpty ? center : sorted[(sorted.count - 1) / 4]
                let q3 = sorted.isEmpty ? center : sorted[(3 * (sorted.count - 1) + 3) / 4]
                let reach = center > 0 ? max(q3 - center, center - q1, 0) / center : 1
                let width = min(max((reach * 10).rounded(.up) * 10, 20), 100)
                text = "lift test on \(v.name) around \(compact(center))/\(word) (+/-\(Int(width))%)"
            }
            return ExperimentSuggestion(channel: v.name, evppi: v.evppi, share: share, spendPerPeriod: center,
                                        low: low, high: high, suggestedTest: text)
        }
        return suggestions.enumerated().sorted { a, b in
            a.element.evppi != b.element.evppi ? a.element.evppi > b.element.evppi : a.offset < b.offset
        }.map(\.element)
    }

    /// Where a channel's lift test should run, as a spend over `horizon` periods: around the
    /// plan's spend, unless every planned period lies below the smallest the data has seen (a
    /// stop, or the optimizer's $100 on a curve steep at 0). No data anchor a test down there, so
    /// it runs from the nearest spend the data do know, the smallest period seen. A plan of 0 on a
    /// channel the data saw dark is tested around `operating` (the larger of planned and current).
    static func testCenter(planned: Double, operating: Double, seen: SpendExtrapolation?, horizon h: Double) -> Double {
        if let seen, seen.belowEveryPeriod { return seen.observedMin * h }
        return planned > 0 ? planned : operating
    }
}

/// 120000 → "120k", 1250000 → "1.25M", 950 → "950", 0.318 → "0.318": three significant digits.
func compact(_ x: Double) -> String {
    abs(x) >= 1000 ? ReportFormat.money(x).replacingOccurrences(of: "$", with: "") : String(format: "%.3g", x)
}
