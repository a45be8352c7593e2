import Foundation

/// Nesterov dual averaging of log ε toward a target mean acceptance (Hoffman & Gelman 2014, §3.2),
/// with Stan's constants.
public struct DualAveraging: Sendable, Equatable {
    /// δ: the mean acceptance statistic aimed for (default 0.8).
    public var targetAcceptance: Double
    /// γ: how strongly the iterates shrink toward μ (default 0.05).
    public var gamma: Double = 0.05
    /// t₀: damps the first iterations (default 10).
    public var t0: Double = 10
    /// κ: decay of the averaging weights (default 0.75).
    public var kappa: Double = 0.75

    /// μ = log(10 ε₀): the point the iterates shrink toward.
    public private(set) var mu: Double
    private var sBar = 0.0
    private var xBar = 0.0
    private var counter = 0.0

    /// - Parameters:
    ///   - initialStepSize: ε₀; μ is set to log(10 ε₀).
    ///   - targetAcceptance: δ in (0, 1).
    public init(initialStepSize: Double, targetAcceptance: Double = 0.8) {
        self.targetAcceptance = targetAcceptance
        mu = log(10 * initialStepSize)
    }

    /// Starts a new averaging run around log(10 ε), as after each metric update.
    public mutating func restart(stepSize: Double) {
        mu = log(10 * stepSize)
        sBar = 0; xBar = 0; counter = 0
    }

    /// Feeds one transition's acceptance statistic; returns the step size for the next one.
    public mutating func update(acceptStat: Double) -> Double {
        counter += 1
        let a = min(1, acceptStat.isNaN ? 0 : acceptStat)
        let eta = 1 / (counter + t0)
        sBar = (1 - eta) * sBar + eta * (targetAcceptance - a)
        let x = mu - sBar * counter.squareRoot() / gamma
        let weight = pow(counter, -kappa)
        xBar = (1 - weight) * xBar + weight * x
        return exp(x)
    }

    /// The averaged step size exp(x̄) used after warmup.
    public var averagedStepSize: Double { exp(xBar) }
}
