/// One quantity's posterior summary and convergence diagnostics.
public struct ParameterSummary: Sendable, Equatable {
    public var mean: Double
    /// Sample standard deviation over all draws.
    public var sd: Double
    /// Lower, middle and upper quantiles of the central interval (p05/p50/p95 for 0.90).
    public var lower: Double
    public var median: Double
    public var upper: Double
    public var mcseMean: Double
    public var rHat: Double
    public var essBulk: Double
    public var essTail: Double

    /// Summarizes draws `[chains][draws]`; `interval` is the central interval's width (default 0.90).
    public init(_ chains: [[Double]], interval: Double = 0.90) {
        let all = chains.flatMap { $0 }
        let sorted = all.sorted()
        mean = all.reduce(0, +) / Double(all.count)
        sd = Diagnostics.standardDeviation(all)
        lower = Diagnostics.quantile(sorted: sorted, (1 - interval) / 2)
        median = Diagnostics.quantile(sorted: sorted, 0.5)
        upper = Diagnostics.quantile(sorted: sorted, (1 + interval) / 2)
        mcseMean = Diagnostics.mcseMean(chains)
        rHat = Diagnostics.rHat(chains)
        essBulk = Diagnostics.essBulk(chains)
        essTail = Diagnostics.essTail(chains)
    }
}

extension SamplingResult {
    /// Summary of coordinate `j` on the sampler's scale.
    public func summary(ofCoordinate j: Int, interval: Double = 0.90) -> ParameterSummary {
        ParameterSummary(coordinate(j), interval: interval)
    }

    /// E-BFMI of each chain, `[chains]`.
    public var ebfmi: [Double] { chains.map { Diagnostics.ebfmi(energy: $0.statistics.map(\.energy)) } }
}
