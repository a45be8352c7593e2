import Foundation

/// Runs NUTS chains with windowed warmup adaptation.
///
/// Each chain has its own random stream `SeededGenerator(seed: seed, stream: chain)`, so a seed
/// gives identical draws whether the chains run on one core or many.
public struct NUTSSampler: Sendable {
    public var configuration: SamplerConfiguration

    public init(configuration: SamplerConfiguration = SamplerConfiguration()) {
        self.configuration = configuration
    }

    /// Samples `target`.
    ///
    /// - Parameter progress: called from the chains' threads about twenty times per chain.
    /// - Throws: `SamplingError` for bad settings or when no finite starting point is found.
    public func sample(_ target: any LogDensity,
                       progress: (@Sendable (SamplingProgress) -> Void)? = nil) throws -> SamplingResult {
        let config = configuration
        try validate(config, dimension: target.dimension)
        let slots = ResultSlots(count: config.chains)
        let run: @Sendable (Int) -> Void = { chain in
            slots.store(chain, Result { try runChain(chain, target: target, config: config, progress: progress) })
        }
        if config.parallel && config.chains > 1 {
            DispatchQueue.concurrentPerform(iterations: config.chains, execute: run)
        } else {
            for chain in 0..<config.chains { run(chain) }
        }
        return SamplingResult(chains: try slots.results(), configuration: config)
    }

    private func validate(_ c: SamplerConfiguration, dimension: Int) throws {
        func fail(_ why: String) throws -> Never { throw SamplingError.invalidConfiguration(why) }
        if dimension < 1 { try fail("the target has no coordinates") }
        if c.chains < 1 { try fail("chains must be at least 1, got \(c.chains)") }
        if c.warmup < 0 { try fail("warmup must be 0 or more, got \(c.warmup)") }
        if c.draws < 1 { try fail("draws must be at least 1, got \(c.draws)") }
        if !(1...30).contains(c.maxTreeDepth) { try fail("max tree depth must be 1…30, got \(c.maxTreeDepth)") }
        if !(c.targetAcceptance > 0 && c.targetAcceptance < 1) {
            try fail("target acceptance must lie in (0, 1), got \(c.targetAcceptance)")
        }
        if !(c.initialStepSize > 0 && c.initialStepSize.isFinite) {
            try fail("initial step size must be positive, got \(c.initialStepSize)")
        }
        if let points = c.initialPoints {
            if points.count != c.chains { try fail("\(points.count) initial points for \(c.chains) chains") }
            if let bad = points.firstIndex(where: { $0.count != dimension }) {
                try fail("initial point \(bad) has \(points[bad].count) coordinates, the target \(dimension)")
            }
        }
    }
}

/// One chain from start to finish: initialization, warmup with adaptation, sampling.
private func runChain(_ chain: Int, target shared: any LogDensity, config: SamplerConfiguration,
                      progress: (@Sendable (SamplingProgress) -> Void)?) throws -> ChainResult {
    let target = shared.forChain()
    let n = target.dimension
    let metric = EuclideanMetric(kind: config.metric, dimension: n)
    let kernel = NUTSKernel(target: target, metric: metric, stepSize: config.initialStepSize,
                            maxTreeDepth: config.maxTreeDepth, maxEnergyError: config.maxEnergyError,
                            rng: SeededGenerator(seed: config.seed, stream: UInt64(chain)))
    let state = PhasePoint(dimension: n)

    // Initialization: a given point, or uniform draws on [-r, r]ⁿ until the density is finite.
    let attempts = config.initialPoints == nil ? 100 : 1
    var found = false
    for _ in 0..<attempts {
        for i in 0..<n {
            state.q[i] = config.initialPoints?[chain][i]
                ?? (2 * kernel.rng.uniform() - 1) * config.initialRadius
        }
        if kernel.evaluate(state), (0..<n).allSatisfy({ state.gradient[$0].isFinite }) { found = true; break }
    }
    guard found else { throw SamplingError.initializationFailed(chain: chain, attempts: attempts) }

    let total = config.warmup + config.draws
    let reportEvery = max(1, total / 20)
    var divergences = 0
    func report(_ iteration: Int, _ phase: SamplingProgress.Phase) {
        guard let progress, iteration % reportEvery == 0 || iteration == total else { return }
        progress(SamplingProgress(chain: chain, phase: phase, iteration: iteration,
                                  totalIterations: total, divergences: divergences))
    }

    // Warmup.
    var warmupDraws: [Double] = []
    var warmupStatistics: [TransitionInfo] = []
    if config.warmup > 0 {
        var adapter = WarmupAdapter(configuration: config, dimension: n)
        if let inverse = adapter.initialInverseMetric(kind: config.metric, gradient: state.gradient, dimension: n) {
            metric.update(inverse: inverse)
        }
        if config.adaptStepSize { kernel.initializeStepSize(at: state) }
        for iteration in 0..<config.warmup {
            let info = kernel.transition(state)
            if info.divergent { divergences += 1 }
            if config.saveWarmup {
                warmupDraws.append(contentsOf: UnsafeBufferPointer(start: state.q, count: n))
                warmupStatistics.append(info)
            }
            let step = adapter.learn(iteration: iteration, position: state.q, gradient: state.gradient, acceptStat: info.acceptStat)
            if let inverse = step.newInverseMetric {
                metric.update(inverse: inverse)
                if config.adaptStepSize { kernel.initializeStepSize(at: state) }
                adapter.restartStepSize(at: kernel.stepSize)
            } else if let stepSize = step.stepSize {
                kernel.stepSize = stepSize
            }
            report(iteration + 1, .warmup)
        }
        if config.adaptStepSize { kernel.stepSize = adapter.finalStepSize }
    }
    let warmupEvaluations = kernel.gradientEvaluations

    // Sampling.
    var draws = [Double]()
    draws.reserveCapacity(config.draws * n)
    var statistics = [TransitionInfo]()
    statistics.reserveCapacity(config.draws)
    for iteration in 0..<config.draws {
        let info = kernel.transition(state)
        if info.divergent { divergences += 1 }
        draws.append(contentsOf: UnsafeBufferPointer(start: state.q, count: n))
        statistics.append(info)
        report(config.warmup + iteration + 1, .sampling)
    }

    return ChainResult(
        chain: chain, dimension: n, draws: draws, statistics: statistics,
        warmupDraws: warmupDraws, warmupStatistics: warmupStatistics,
        stepSize: kernel.stepSize, inverseMetric: metric.inverseArray,
        warmupGradientEvaluations: warmupEvaluations,
        samplingGradientEvaluations: kernel.gradientEvaluations - warmupEvaluations)
}

/// Per-chain results written from the chains' threads; each slot is written exactly once.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [Result<ChainResult, any Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ index: Int, _ result: Result<ChainResult, any Error>) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = result
    }

    func results() throws -> [ChainResult] {
        lock.lock(); defer { lock.unlock() }
        return try slots.map { try $0!.get() }
    }
}
