import Sampling

/// A constant density: momentum never changes, so the trajectory never turns and every tree
/// grows to the maximum depth — which makes tree sizes exactly predictable.
struct FlatTarget: LogDensity {
    let dimension: Int
    func logDensity(at x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        for i in 0..<dimension { gradient[i] = 0 }
        return 0
    }
}

/// A density that is nowhere finite: initialization must fail with a clear error.
struct NowhereFiniteTarget: LogDensity {
    let dimension = 3
    func logDensity(at x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        for i in 0..<dimension { gradient[i] = 0 }
        return -.infinity
    }
}

func configuration(chains: Int = 4, warmup: Int = 1000, draws: Int = 1000, seed: UInt64 = 11,
                   metric: MetricKind = .diagonal) -> SamplerConfiguration {
    var c = SamplerConfiguration()
    c.chains = chains; c.warmup = warmup; c.draws = draws; c.seed = seed; c.metric = metric
    return c
}
