import Foundation

extension Posterior {
    /// Each draw's baseline (intercept, trend, seasonality and controls: everything but media)
    /// over `periods` periods starting `gap` periods after the data's end (default right after
    /// it), `[draws][periods]`, target units.
    ///
    /// The trend and the Fourier seasonality continue past the data as the model states them; a
    /// drifting baseline (`model.time_varying.intercept`) as `TimeBasis` describes.
    /// Future controls are unknown; each is read one seasonal period earlier (the same week last
    /// year, for weekly data with yearly seasonality), or held at its mean when the data are
    /// shorter than that.
    public func baselineForecast(periods: Int, gap: Int = 0) -> [[Double]] {
        let T = model.data.periods + max(gap, 0)
        let lag = Int(model.specification.seasonality.period.rounded())
        let controls = model.data.controls
        let future = (0..<periods).map { h -> [Double] in
            controls.map { series in
                let t = T + h
                if lag >= 1, t - lag >= 0, t - lag < series.count { return series[t - lag] }
                return series.reduce(0, +) / Double(max(series.count, 1))
            }
        }
        return draws.indices.map { d in
            let values = model.constrained(unconstrainedDraws[d])
            return (0..<periods).map { h in model.baseline(draw: values, intercept: draws[d].intercept, period: T + h, controls: future[h]) }
        }
    }
}

extension MediaMixModel {
    /// The baseline of one draw at period index `period` (may lie past the data), target units.
    /// - Parameters:
    ///   - draw: constrained parameter values, `[dimension]`.
    ///   - intercept: the draw's intercept in target units (from its decomposition).
    ///   - controls: the controls' values in that period, in the data's units, `[controls]`.
    func baseline(draw values: [Double], intercept: Double, period t: Int, controls: [Double]) -> Double {
        let T = periods
        func value(_ name: String) -> Double? { parameters.firstIndex { $0.name == name }.map { values[$0] } }
        var scaled = intercept / yScale
        if let trend = value("trend") { scaled += trend * (T > 1 ? Double(t) / Double(T - 1) - 0.5 : 0) }
        let order = specification.seasonality.order, period = specification.seasonality.period
        for k in stride(from: 1, through: order, by: 1) {
            let w = 2 * Double.pi * Double(k) / period
            scaled += (value("season.\(2 * k - 1)") ?? 0) * sin(w * Double(t)) + (value("season.\(2 * k)") ?? 0) * cos(w * Double(t))
        }
        for (j, series) in data.controls.enumerated() {
            scaled += (value("gamma.\(j + 1)") ?? 0) * controls[j] / positiveScale(series)
        }
        // A drifting baseline continues past the data as its Gaussian process predicts.
        if let basis = timeBasis, let drift = interceptDriftIndex {
            for (k, term) in basis.driftValues(at: Double(t)).enumerated() { scaled += TimeVariation.interceptDriftSD * values[drift[k]] * term }
        }
        return scaled * yScale
    }
}
