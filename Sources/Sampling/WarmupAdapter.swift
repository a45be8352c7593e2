/// Warmup adaptation as a separate (start, learn, final) piece: dual averaging of the step size
/// throughout, and metric estimates from the draws of each slow window of `WarmupSchedule`.
struct WarmupAdapter {
    struct Step {
        /// The step size for the next transition (nil when step size is not adapted).
        var stepSize: Double?
        /// A new inverse metric at the end of a slow window.
        var newInverseMetric: [Double]?
    }

    let schedule: WarmupSchedule
    let adaptStepSize: Bool
    let adaptMetric: Bool
    private var dualAveraging: DualAveraging
    private var estimator: WelfordEstimator
    /// The gradients' variances in the current window (gradient-informed diagonal warmup only).
    private var gradients: WelfordEstimator?

    init(configuration: SamplerConfiguration, dimension: Int) {
        schedule = WarmupSchedule(warmup: configuration.warmup)
        adaptStepSize = configuration.adaptStepSize
        adaptMetric = configuration.adaptMetric
        // Stan centres the first run of dual averaging on the user's initial step size.
        dualAveraging = DualAveraging(initialStepSize: configuration.initialStepSize,
                                      targetAcceptance: configuration.targetAcceptance)
        estimator = WelfordEstimator(kind: configuration.metric, dimension: dimension)
        if configuration.gradientInformedWarmup && configuration.metric == .diagonal {
            gradients = WelfordEstimator(kind: .diagonal, dimension: dimension)
        }
        gradientInformed = configuration.gradientInformedWarmup
    }

    private let gradientInformed: Bool

    /// The inverse metric to start warmup from, given the gradient at the initial point: nil for
    /// Stan's identity; else 1/|∂ᵢ log p| on the diagonal (clamped to [10⁻⁸, 10⁴], 1 where the
    /// gradient vanishes). For a Gaussian coordinate of variance σ² started at x, |∂ log p| = |x|/σ²,
    /// so with x of order one (random starts are uniform on [−2, 2]) this is the variance's scale.
    func initialInverseMetric(kind: MetricKind, gradient: UnsafePointer<Double>, dimension n: Int) -> [Double]? {
        guard adaptMetric, gradientInformed else { return nil }
        var inverse = [Double](repeating: 0, count: kind == .dense ? n * n : n)
        for i in 0..<n {
            let g = abs(gradient[i])
            inverse[kind == .dense ? i * n + i : i] = g > 0 && g.isFinite ? min(max(1 / g, 1e-8), 1e4) : 1
        }
        return inverse
    }

    /// After each warmup transition: returns the next step size, and a new metric when a slow
    /// window has just ended.
    mutating func learn(iteration: Int, position: UnsafePointer<Double>, gradient: UnsafePointer<Double>,
                        acceptStat: Double) -> Step {
        var step = Step()
        if adaptStepSize { step.stepSize = dualAveraging.update(acceptStat: acceptStat) }
        // Gradient-informed: the initial fast interval updates the diagonal every
        // `earlyWindow` iterations from its own draws and gradients. The start's 1/|∇| is far
        // too small where a bad starting fit makes the likelihood's gradient huge (a noise scale,
        // a level), and until the first slow window ends the trees then run to the maximum depth
        // (on the 40-geo model, iterations 26–100 cost ~1000 steps each: half of all gradients).
        if adaptMetric, gradients != nil, let first = schedule.metricWindows.first, iteration < first.lowerBound {
            estimator.add(position)
            gradients!.add(gradient)
            if (iteration + 1) % Self.earlyWindow == 0 && iteration + 1 + Self.earlyWindow <= first.lowerBound {
                step.newInverseMetric = blend(gradients!)
                estimator.restart()
                gradients!.restart()
            } else if iteration + 1 == first.lowerBound {
                estimator.restart()
                gradients!.restart()
            }
            return step
        }
        guard adaptMetric, let window = schedule.metricWindows.first(where: { $0.contains(iteration) })
        else { return step }
        estimator.add(position)
        gradients?.add(gradient)
        if iteration == window.upperBound - 1 {
            if let gradients, window != schedule.metricWindows.last {
                step.newInverseMetric = blend(gradients)
            } else {
                step.newInverseMetric = estimator.regularizedCovariance()
            }
            estimator.restart()
            gradients?.restart()
        }
        return step
    }

    /// Iterations per metric update within the initial fast interval (gradient-informed only).
    static let earlyWindow = 15

    /// √(Var q / Var ∇) per coordinate from the current window, both variances shrunk as Stan
    /// shrinks one, so neither can be zero.
    private func blend(_ gradients: WelfordEstimator) -> [Double] {
        let positions = estimator.regularizedCovariance(), slopes = gradients.regularizedCovariance()
        return zip(positions, slopes).map { q, g in g.isFinite ? (q / g).squareRoot() : q }
    }

    /// After a metric update and the step-size search: averaging restarts around the new ε.
    mutating func restartStepSize(at stepSize: Double) {
        dualAveraging.restart(stepSize: stepSize)
    }

    /// The averaged step size to sample with.
    var finalStepSize: Double { dualAveraging.averagedStepSize }
}
