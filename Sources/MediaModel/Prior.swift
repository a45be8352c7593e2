import Autodiff
import Foundation

/// A prior distribution for one scalar parameter, on the parameter's natural (constrained) scale.
public enum Prior: Equatable, Sendable, CustomStringConvertible {
    case normal(mean: Double, sd: Double)
    /// Half-normal on x ≥ 0 with scale `sd`.
    case halfNormal(sd: Double)
    /// log x ~ Normal(mu, sigma).
    case logNormal(mu: Double, sigma: Double)
    /// Shape–rate gamma: density ∝ x^(shape−1) e^(−rate·x).
    case gamma(shape: Double, rate: Double)
    /// Beta(a, b) on (0, 1).
    case beta(a: Double, b: Double)
    /// No prior factor on this coordinate: used where the prior is stated on a derived quantity
    /// and added by the model itself.
    case flat

    /// The log-normal with a given mean and standard deviation (how users state ROAS beliefs).
    public static func logNormal(mean: Double, sd: Double) -> Prior {
        let s2 = log(1 + sd * sd / (mean * mean))
        return .logNormal(mu: log(mean) - s2 / 2, sigma: s2.squareRoot())
    }

    public var description: String {
        switch self {
        case .normal(let m, let s): "Normal(\(m), \(s))"
        case .halfNormal(let s): "HalfNormal(\(s))"
        case .logNormal(let m, let s): "LogNormal(\(m), \(s))"
        case .gamma(let a, let b): "Gamma(\(a), \(b))"
        case .beta(let a, let b): "Beta(\(a), \(b))"
        case .flat: "flat"
        }
    }

    /// Which transform maps the prior's support to the real line.
    public var support: Support {
        switch self {
        case .normal: .real
        case .halfNormal, .logNormal, .gamma: .positive
        case .beta: .unitInterval
        case .flat: .real
        }
    }

    /// Checks that the prior's own parameters make sense; returns a reason when they do not.
    public var problem: String? {
        switch self {
        case .normal(_, let s), .halfNormal(let s), .logNormal(_, let s):
            return s > 0 && s.isFinite ? nil : "its scale must be positive, got \(s)"
        case .gamma(let a, let b):
            return a > 0 && b > 0 ? nil : "shape and rate must be positive, got \(a), \(b)"
        case .beta(let a, let b):
            return a > 0 && b > 0 ? nil : "a and b must be positive, got \(a), \(b)"
        case .flat:
            return nil
        }
    }
}

/// Where a parameter lives (the engine's type, named here for the model's users).
public typealias Support = Autodiff.Support

extension Prior {
    /// A central value on the unconstrained scale (the log of the median for positive priors).
    var centre: Double {
        switch self {
        case .normal(let m, _): m
        case .halfNormal(let s): log(0.674 * s)
        case .logNormal(let m, _): m
        case .gamma(let a, let b): log(max(a - 1 / 3, 0.1) / b)
        case .beta(let a, let b): log(a / b)
        case .flat: 0
        }
    }

    /// log p(x) on the prior's natural scale with constants dropped, and its derivative in x.
    @inline(__always)
    func logDensity(at x: Double) -> (value: Double, derivative: Double) {
        switch self {
        case .normal(let m, let s):
            let z = (x - m) / s
            return (-0.5 * z * z, -z / s)
        case .halfNormal(let s):
            return (-0.5 * x * x / (s * s), -x / (s * s))
        case .logNormal(let m, let s):
            let lx = log(x), z = (lx - m) / s
            return (-0.5 * z * z - lx, (-z / s - 1) / x)
        case .gamma(let a, let b):
            return ((a - 1) * log(x) - b * x, (a - 1) / x - b)
        case .beta(let a, let b):
            return ((a - 1) * log(x) + (b - 1) * log1p(-x), (a - 1) / x - (b - 1) / (1 - x))
        case .flat:
            return (0, 0)
        }
    }
}
