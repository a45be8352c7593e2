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

/// Where a parameter lives, and so how the sampler's unconstrained coordinate u maps to it.
public enum Support: Sendable, Equatable {
    /// x = u.
    case real
    /// x = eᵘ.
    case positive
    /// x = 1/(1 + e⁻ᵘ).
    case unitInterval
    /// x = lower + (upper − lower)/(1 + e⁻ᵘ).
    case interval(lower: Double, upper: Double)

    /// The constrained value of u.
    @inline(__always)
    public func constrain(_ u: Double) -> Double {
        switch self {
        case .real: u
        case .positive: exp(u)
        case .unitInterval: 1 / (1 + exp(-u))
        case .interval(let lo, let hi): lo + (hi - lo) / (1 + exp(-u))
        }
    }

    /// The unconstrained coordinate of a constrained value x.
    public func unconstrain(_ x: Double) -> Double {
        switch self {
        case .real: x
        case .positive: log(x)
        case .unitInterval: log(x / (1 - x))
        case .interval(let lo, let hi): log((x - lo) / (hi - x))
        }
    }

    /// dx/du at u, given x.
    @inline(__always)
    func derivative(x: Double) -> Double {
        switch self {
        case .real: 1
        case .positive: x
        case .unitInterval: x * (1 - x)
        case .interval(let lo, let hi): (x - lo) * (hi - x) / (hi - lo)
        }
    }
}

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

    /// log prior density of x = support.constrain(u) plus the log-Jacobian log|dx/du|, and its
    /// derivative with respect to u. Constants are dropped.
    @inline(__always)
    func logDensity(unconstrained u: Double, support: Support) -> (value: Double, derivative: Double) {
        if case .flat = self { return (0, 0) }
        let x = support.constrain(u)
        let dxdu = support.derivative(x: x)
        // log-Jacobian and its derivative in u
        var jacobian = 0.0, dJacobian = 0.0
        switch support {
        case .real: break
        case .positive: jacobian = u; dJacobian = 1
        case .unitInterval:
            jacobian = log(x) + log1p(-x); dJacobian = 1 - 2 * x
        case .interval(let lo, let hi):
            jacobian = log(x - lo) + log(hi - x) - log(hi - lo)
            dJacobian = (hi - x - (x - lo)) / (hi - lo)
        }
        var value: Double, dx: Double  // log prior and its derivative in x
        switch self {
        case .normal(let m, let s):
            let z = (x - m) / s
            value = -0.5 * z * z; dx = -z / s
        case .halfNormal(let s):
            value = -0.5 * x * x / (s * s); dx = -x / (s * s)
        case .logNormal(let m, let s):
            let lx = log(x), z = (lx - m) / s
            value = -0.5 * z * z - lx; dx = (-z / s - 1) / x
        case .gamma(let a, let b):
            value = (a - 1) * log(x) - b * x; dx = (a - 1) / x - b
        case .beta(let a, let b):
            value = (a - 1) * log(x) + (b - 1) * log1p(-x); dx = (a - 1) / x - (b - 1) / (1 - x)
        case .flat:
            value = 0; dx = 0
        }
        return (value + jacobian, dx * dxdu + dJacobian)
    }
}
