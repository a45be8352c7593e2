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

    init(configuration: SamplerConfiguration, dimension: Int) {
        schedule = WarmupSchedule(warmup: configuration.warmup)
        adaptStepSize = configuration.adaptStepSize
        adaptMetric = configuration.adaptMetric
        // Stan centres the first run of dual averaging on the user's initial step size.
        dualAveraging = DualAveraging(initialStepSize: configuration.initialStepSize,
                                      targetAcceptance: configuration.targetAcceptance)
        estimator = WelfordEstimator(kind: configuration.metric, dimension: dimension)
    }

    /// After each warmup transition: returns the next step size, and a new metric when a slow
    /// window has just ended.
    mutating func learn(iteration: Int, position: UnsafePointer<Double>, acceptStat: Double) -> Step {
        var step = Step()
        if adaptStepSize { step.stepSize = dualAveraging.update(acceptStat: acceptStat) }
        guard adaptMetric, let window = schedule.metricWindows.first(where: { $0.contains(iteration) })
        else { return step }
        estimator.add(position)
        if iteration == window.upperBound - 1 {
            step.newInverseMetric = estimator.regularizedCovariance()
            estimator.restart()
        }
        return step
    }

    /// After a metric update and the step-size search: averaging restarts around the new ε.
    mutating func restartStepSize(at stepSize: Double) {
        dualAveraging.restart(stepSize: stepSize)
    }

    /// The averaged step size to sample with.
    var finalStepSize: Double { dualAveraging.averagedStepSize }
}
