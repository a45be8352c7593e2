/// Settings of a NUTS run. Defaults follow Stan's.
public struct SamplerConfiguration: Sendable, Equatable {
    /// Independent chains (default 4), run in parallel on all cores.
    public var chains = 4
    /// Warmup (adaptation) iterations per chain (default 1000); their draws are discarded.
    public var warmup = 1000
    /// Kept draws per chain (default 1000).
    public var draws = 1000
    /// Seed of every chain's random stream (chain k uses stream k).
    public var seed: UInt64 = 1
    /// Maximum tree depth (default 10: at most 1023 leapfrog steps per transition).
    public var maxTreeDepth = 10
    /// Target mean acceptance for step-size adaptation (default 0.8).
    public var targetAcceptance = 0.8
    /// Metric adapted during warmup (default diagonal).
    public var metric: MetricKind = .diagonal
    /// Starting step size before the heuristic search (default 1); the fixed step when
    /// `adaptStepSize` is false.
    public var initialStepSize = 1.0
    /// Adapt the step size by dual averaging during warmup (default true).
    public var adaptStepSize = true
    /// Adapt the metric in Stan's windows during warmup (default true).
    public var adaptMetric = true
    /// Let the gradient speed up metric adaptation (default true; false is Stan's adaptation
    /// exactly). Warmup starts from the inverse metric 1/|∇ log p| at the initial point instead
    /// of the identity; the initial fast interval updates the diagonal every 15 iterations, and
    /// every slow window but the last estimates it too, from the draws' and gradients' variances,
    /// √(Var q / Var ∇), which is exact for a Gaussian and steady in a short window (the idea of
    /// Seyboldt's nutpie). The last window uses the draws alone, as
    /// Stan does, so the metric the chains sample with is the draws' covariance.
    ///
    /// Why: on badly scaled targets the identity start drives the first hundred iterations to
    /// trees of hundreds of steps at tiny step sizes; on the bundled example that was over half of
    /// warmup's gradients.
    public var gradientInformedWarmup = true
    /// Energy error that marks a divergence (default 1000).
    public var maxEnergyError = 1000.0
    /// Random initial points are uniform on [-r, r]ⁿ (default r = 2).
    public var initialRadius = 2.0
    /// Optional starting point per chain (`[chains][dimension]`); random when nil.
    public var initialPoints: [[Double]]?
    /// Keep warmup draws in the result (default false).
    public var saveWarmup = false
    /// Run chains on several threads (default true). Results do not depend on it.
    public var parallel = true

    public init() {}
}

/// Errors that stop a run before sampling.
public enum SamplingError: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    /// No point with a finite log density and gradient was found.
    case initializationFailed(chain: Int, attempts: Int)

    public var description: String {
        switch self {
        case .invalidConfiguration(let why): "invalid sampler settings: \(why)"
        case .initializationFailed(let chain, let attempts):
            "chain \(chain): no starting point with a finite log density after \(attempts) attempts"
        }
    }
}

/// Progress of one chain, sent to the caller's sink (never printed by the sampler).
public struct SamplingProgress: Sendable {
    public enum Phase: String, Sendable { case warmup, sampling }
    public var chain: Int
    public var phase: Phase
    /// Iterations completed in this chain, warmup and sampling together.
    public var iteration: Int
    public var totalIterations: Int
    public var divergences: Int
}
