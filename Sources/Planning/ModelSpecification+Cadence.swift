import MediaModel

extension ModelSpecification {
    /// The specification as fitted to `data`: when the scenario leaves seasonality's period at
    /// its weekly default (52.18) and the data are not weekly, the period becomes the data's
    /// periods per year (12 for monthly data), because 52.18 monthly periods would be a
    /// four-year cycle, not the yearly one the default means. A period the scenario states
    /// other than the default is kept as written.
    ///
    /// A linear trend the scenario does not state gives way to a control that is itself a
    /// straight line in time (R² above 0.999999; PyMC-Marketing's example data carry one, `t`):
    /// the two cannot be told apart, and the control already carries the trend. A stated
    /// `model.trend: linear` is kept, and the design check then refuses the pair.
    func adapted(to data: Dataset) -> ModelSpecification {
        var spec = self
        if data.cadence != .weekly, spec.seasonality.period == Seasonality().period {
            spec.seasonality.period = data.cadence.periodsPerYear
        }
        if !trendStated, trend == .linear, timeIndexControl(in: data) != nil { spec.trend = .none }
        return spec
    }

    /// The first control that is (almost) a straight line in time, if any.
    func timeIndexControl(in data: Dataset) -> String? {
        let T = data.periods
        guard T > 2 else { return nil }
        let time = (0..<T).map(Double.init), meanTime = Double(T - 1) / 2
        for (j, series) in data.controls.enumerated() {
            let mean = series.reduce(0, +) / Double(T)
            var xy = 0.0, xx = 0.0, yy = 0.0
            for t in 0..<T {
                let a = time[t] - meanTime, b = series[t] - mean
                xy += a * b; xx += a * a; yy += b * b
            }
            if yy > 0, xy * xy / (xx * yy) > 0.999999 { return data.controlNames[j] }
        }
        return nil
    }

    /// A line for the printed fit and plan when the data's own time index replaced the
    /// unstated linear trend; nil otherwise.
    public func trendNote(_ data: Dataset) -> String? {
        guard !trendStated, trend == .linear, let name = timeIndexControl(in: data) else { return nil }
        return "Trend: none — control '\(name)' is the time index and carries the trend (set model.trend to choose)"
    }
}
