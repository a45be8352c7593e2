import Foundation
import MediaModel

/// Checks of a loaded history against the scenario's model, run before sampling: values the
/// engine cannot represent, a target with nothing to explain, and a fixed design (intercept,
/// trend, seasonality, controls) that the data cannot identify.
///
/// An unidentifiable design does not fail loudly in the sampler: PyMC-Marketing's example has a
/// control `t` that is the time index; beside a linear trend the posterior becomes a ridge, the
/// fit takes ten times longer and the intercept's band spans zero. So it is refused here.
public enum DesignCheck {
    /// A control whose part not explained by the columns before it is below this share of its
    /// variation (1 − R² < 1e-6, i.e. R² above 0.999999) cannot be told apart from them.
    static let collinearity = 1e-6

    /// A column whose largest magnitude is below this is refused as mis-scaled (the loader's
    /// threshold for the target and spend, applied here to controls too).
    static let smallestScale = 1e-9

    /// - Throws: `InputError` — `.data` (exit 65) for values out of range or a constant target,
    ///   `.configuration` (exit 78) for an unidentifiable design, naming the columns and the fix.
    public static func check(_ data: Dataset, scenario: Scenario) throws {
        let file = scenario.data.file
        try checkMagnitudes(data, file: file)
        if let first = data.target.first, data.target.allSatisfy({ $0 == first }) {
            throw InputError(.data, "\(file): column '\(data.targetName)' (data.target) is \(csvNumber(first)) in every row; there is no variation for the channels to explain")
        }
        try checkControls(data, model: scenario.model.adapted(to: data), file: file)
    }

    /// Every value within ±`largestAmount`, so sums and scaled values stay finite and exact.
    static func checkMagnitudes(_ data: Dataset, file: String) throws {
        let columns = [(data.targetName, data.target)] + zip(data.channels, data.spend).map { ($0, $1) }
            + zip(data.controlNames, data.controls).map { ($0, $1) }
        for (name, values) in columns {
            if let t = values.firstIndex(where: { !(abs($0) <= largestAmount) }) {
                throw InputError(.data, "\(file): row dated \(data.dates[t]), column '\(name)': \(values[t]) is beyond ±1,000,000,000,000,000, the largest amount mixplan handles (expected the data's own units, e.g. dollars, not scaled)")
            }
        }
        // Values this small are not in anyone's units (a column scaled by mistake); the model's
        // scaled arithmetic underflows on them and the sampler finds no starting point.
        for (name, values) in columns {
            let largest = values.reduce(0) { max($0, abs($1)) }
            if largest > 0, largest < smallestScale {
                throw InputError(.data, "\(file): column '\(name)': its largest value is \(largest), below \(smallestScale) (expected the data's own units, e.g. dollars, not scaled)")
            }
        }
        for (c, spend) in data.spend.enumerated() where spend.reduce(0, +) > largestAmount {
            throw InputError(.data, "\(file): column '\(data.channels[c])': the spend adds up to more than 1,000,000,000,000,000 (expected the data's own units, e.g. dollars)")
        }
    }

    /// Each control in turn against the intercept, the trend, the seasonality and the controls
    /// before it; a control they explain is refused, naming the smallest group that explains it.
    static func checkControls(_ data: Dataset, model: ModelSpecification, file: String) throws {
        let T = data.periods
        guard T > 1 else { return }
        let intercept = [Array(repeating: 1.0, count: T)]
        let trend = model.trend == .linear ? [(0..<T).map { Double($0) / Double(T - 1) - 0.5 }] : []
        var seasonality: [[Double]] = []
        let season = model.seasonality
        for k in 1...max(season.order, 1) where season.order > 0 {
            let w = 2 * Double.pi * Double(k) / season.period
            seasonality.append((0..<T).map { sin(w * Double($0)) })
            seasonality.append((0..<T).map { cos(w * Double($0)) })
        }
        for (j, control) in data.controls.enumerated() {
            let name = data.controlNames[j]
            if control.allSatisfy({ $0 == control[0] }) {
                throw InputError(.configuration, "\(file): column '\(name)' (data.controls) is \(csvNumber(control[0])) in every row, so it cannot be told apart from the intercept; drop it from data.controls")
            }
            let earlier = Array(data.controls[..<j])
            let earlierNames = data.controlNames[..<j].map { "control '\($0)'" }.joined(separator: ", ")
            // Smallest groups first, so the message names what actually duplicates the column.
            var groups: [(String, [[Double]], Bool)] = []
            if !trend.isEmpty { groups.append(("the linear trend (model.trend: linear)", intercept + trend, true)) }
            if !seasonality.isEmpty { groups.append(("the seasonality (model.seasonality)", intercept + seasonality, false)) }
            if !trend.isEmpty && !seasonality.isEmpty { groups.append(("the trend and the seasonality", intercept + trend + seasonality, true)) }
            if !earlier.isEmpty { groups.append((earlierNames + " (with the intercept)", intercept + earlier, false)) }
            if !earlier.isEmpty && !(trend.isEmpty && seasonality.isEmpty) {
                groups.append(("the trend, the seasonality and " + earlierNames, intercept + trend + seasonality + earlier, !trend.isEmpty))
            }
            for (what, columns, hasTrend) in groups {
                let left = unexplainedShare(control, by: columns)
                guard left < collinearity else { continue }
                var fix = "drop '\(name)' from data.controls"
                if hasTrend { fix = "set model.trend: none (the column already carries a trend) or " + fix }
                throw InputError(.configuration, "\(file): column '\(name)' (data.controls) is (almost) a combination of \(what), so the model cannot tell their effects apart (R² \(String(format: "%.6f", 1 - left))); \(fix)")
            }
        }
    }

    /// 1 − R² of the least-squares fit of `y` on `columns` (which include the intercept), by
    /// modified Gram–Schmidt.
    static func unexplainedShare(_ y: [Double], by columns: [[Double]]) -> Double {
        let T = y.count
        var basis: [[Double]] = []
        for column in columns {
            var r = column
            let norm = (r.reduce(0) { $0 + $1 * $1 }).squareRoot()
            guard norm > 0 else { continue }
            for q in basis {
                let dot = zip(q, r).reduce(0) { $0 + $1.0 * $1.1 }
                for t in 0..<T { r[t] -= dot * q[t] }
            }
            let left = (r.reduce(0) { $0 + $1 * $1 }).squareRoot()
            if left > 1e-9 * norm { basis.append(r.map { $0 / left }) }
        }
        var r = y
        for q in basis {
            let dot = zip(q, r).reduce(0) { $0 + $1.0 * $1.1 }
            for t in 0..<T { r[t] -= dot * q[t] }
        }
        let mean = y.reduce(0, +) / Double(T)
        let total = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return total > 0 ? r.reduce(0) { $0 + $1 * $1 } / total : 0
    }
}
