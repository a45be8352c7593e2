/// One chain's output.
public struct ChainResult: Sendable {
    public let chain: Int
    public let dimension: Int
    /// Kept draws, `[draws, dimension]` row-major, on the target's (unconstrained) scale.
    public let draws: [Double]
    /// Per-draw statistics, `[draws]`.
    public let statistics: [TransitionInfo]
    /// Warmup draws `[warmup, dimension]` and statistics when `saveWarmup` was set, else empty.
    public let warmupDraws: [Double]
    public let warmupStatistics: [TransitionInfo]
    /// Step size used after warmup.
    public let stepSize: Double
    /// Adapted inverse metric: `[dimension]` (diagonal) or `[dimension, dimension]` (dense).
    public let inverseMetric: [Double]
    /// Gradient evaluations during warmup and during sampling.
    public let warmupGradientEvaluations: Int
    public let samplingGradientEvaluations: Int

    public var drawCount: Int { statistics.count }

    /// A chain restored from stored draws (no warmup, metric or evaluation counts).
    public init(chain: Int, dimension: Int, draws: [Double], statistics: [TransitionInfo], stepSize: Double) {
        self.init(chain: chain, dimension: dimension, draws: draws, statistics: statistics, warmupDraws: [],
                  warmupStatistics: [], stepSize: stepSize, inverseMetric: [], warmupGradientEvaluations: 0,
                  samplingGradientEvaluations: 0)
    }

    init(chain: Int, dimension: Int, draws: [Double], statistics: [TransitionInfo], warmupDraws: [Double],
         warmupStatistics: [TransitionInfo], stepSize: Double, inverseMetric: [Double],
         warmupGradientEvaluations: Int, samplingGradientEvaluations: Int) {
        self.chain = chain; self.dimension = dimension; self.draws = draws; self.statistics = statistics
        self.warmupDraws = warmupDraws; self.warmupStatistics = warmupStatistics; self.stepSize = stepSize
        self.inverseMetric = inverseMetric; self.warmupGradientEvaluations = warmupGradientEvaluations
        self.samplingGradientEvaluations = samplingGradientEvaluations
    }

    /// The chain's draws of coordinate `j`, `[draws]`.
    public func coordinate(_ j: Int) -> [Double] {
        (0..<drawCount).map { draws[$0 * dimension + j] }
    }
}

/// The output of a NUTS run: every chain, in chain order.
public struct SamplingResult: Sendable {
    public let chains: [ChainResult]
    public let configuration: SamplerConfiguration

    public init(chains: [ChainResult], configuration: SamplerConfiguration) {
        self.chains = chains
        self.configuration = configuration
    }

    public var dimension: Int { chains.first?.dimension ?? 0 }

    /// Coordinate `j` across chains, `[chains][draws]` — the input of `Diagnostics`.
    public func coordinate(_ j: Int) -> [[Double]] { chains.map { $0.coordinate(j) } }

    /// A per-draw statistic across chains, `[chains][draws]`.
    public func statistic(_ value: (TransitionInfo) -> Double) -> [[Double]] {
        chains.map { $0.statistics.map(value) }
    }

    public var divergences: Int { chains.reduce(0) { $0 + $1.statistics.count(where: \.divergent) } }

    /// Draws that hit the maximum tree depth.
    public var maxTreeDepthHits: Int {
        chains.reduce(0) { sum, chain in
            sum + chain.statistics.count(where: { $0.treeDepth >= configuration.maxTreeDepth })
        }
    }

    public var samplingGradientEvaluations: Int { chains.reduce(0) { $0 + $1.samplingGradientEvaluations } }
    public var totalGradientEvaluations: Int {
        chains.reduce(0) { $0 + $1.samplingGradientEvaluations + $1.warmupGradientEvaluations }
    }
    public var samplingLeapfrogSteps: Int {
        chains.reduce(0) { $0 + $1.statistics.reduce(0) { $0 + $1.leapfrogSteps } }
    }
}
