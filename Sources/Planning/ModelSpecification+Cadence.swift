import MediaModel

extension ModelSpecification {
    /// The specification as fitted to `data`: when the scenario leaves seasonality's period at
    /// its weekly default (52.18) and the data are not weekly, the period becomes the data's
    /// periods per year (12 for monthly data), because 52.18 monthly periods would be a
    /// four-year cycle, not the yearly one the default means. A period the scenario states
    /// other than the default is kept as written.
    func adapted(to data: Dataset) -> ModelSpecification {
        var spec = self
        if data.cadence != .weekly, spec.seasonality.period == Seasonality().period {
            spec.seasonality.period = data.cadence.periodsPerYear
        }
        return spec
    }
}
