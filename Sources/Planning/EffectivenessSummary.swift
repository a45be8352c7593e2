import BudgetOptimization
import Foundation
import MediaModel

/// A time-varying channel's effectiveness multiplier (`model.time_varying`) per period, over the
/// data and the year after it: what `effectiveness.csv` holds and `mixplan fit` summarizes.
public struct EffectivenessSummary: Sendable {
    public let channel: String
    /// The periods' dates, the data's then the year after them, `[periods]`.
    public let dates: [String]
    /// Data periods: the first `observed` entries lie in the data.
    public let observed: Int
    /// The multiplier across draws per period (mean 1 over the data), `[periods]`.
    public let multiplier: [Spread]

    /// The highest and lowest posterior-mean week in the data's last year (the pattern repeats
    /// yearly, so the latest year names the weeks a plan will meet).
    public var peak: (date: String, value: Double) { extreme(>) }
    public var trough: (date: String, value: Double) { extreme(<) }

    private func extreme(_ better: (Double, Double) -> Bool) -> (date: String, value: Double) {
        let first = max(observed - (dates.count - observed), 0)
        var best = first
        for t in first..<observed where better(multiplier[t].mean, multiplier[best].mean) { best = t }
        return (dates[best], multiplier[best].mean)
    }
}

extension Posterior {
    /// Every time-varying channel's multiplier over the data and `ahead` periods after it
    /// (default a year of the data's cadence), with bands of width `interval`.
    public func effectivenessSummaries(interval: Double = 0.9, ahead: Int? = nil) -> [EffectivenessSummary] {
        let data = model.data, T = data.periods
        let future = ahead ?? Int(data.cadence.periodsPerYear.rounded())
        let dates = data.dates + Planner.planDates(data: data, start: nil, horizon: future)
        return data.channels.enumerated().compactMap { c, name in
            guard let draws = effectiveness(channel: c, periods: 0..<(T + future)) else { return nil }
            let spreads = (0..<(T + future)).map { t in Spread(draws.map { $0[t] }, interval: interval) }
            return EffectivenessSummary(channel: name, dates: dates, observed: T, multiplier: spreads)
        }
    }
}

extension EffectivenessSummary {
    /// `effectiveness.csv`: `period,date,channel,observed,multiplier_mean,multiplier_p05,multiplier_p95`
    /// (`observed` 1 in the data, 0 in the year after it).
    static func csv(_ summaries: [EffectivenessSummary]) -> String {
        var lines = ["period,date,channel,observed,multiplier_mean,multiplier_p05,multiplier_p95"]
        for s in summaries {
            for (t, m) in s.multiplier.enumerated() {
                lines.append([String(t + 1), s.dates[t], csvField(s.channel), t < s.observed ? "1" : "0",
                              csvNumber(m.mean), csvNumber(m.lower), csvNumber(m.upper)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
