import Foundation

/// Where a parameter lives, and so how an unconstrained coordinate u maps to it.
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

    /// dx/du, given x.
    @inline(__always)
    public func derivative(x: Double) -> Double {
        switch self {
        case .real: 1
        case .positive: x
        case .unitInterval: x * (1 - x)
        case .interval(let lo, let hi): (x - lo) * (hi - x) / (hi - lo)
        }
    }

    /// log|dx/du| at u (given x) and its derivative in u.
    @inline(__always)
    public func logJacobian(u: Double, x: Double) -> (value: Double, derivative: Double) {
        switch self {
        case .real: (0, 0)
        case .positive: (u, 1)
        case .unitInterval: (log(x) + log1p(-x), 1 - 2 * x)
        case .interval(let lo, let hi): (log(x - lo) + log(hi - x) - log(hi - lo), (hi - x - (x - lo)) / (hi - lo))
        }
    }
}

/// x = constrain(u) elementwise, each element with its own support, and
/// logJacobian = Σ log|dxᵢ/duᵢ| over the elements marked in `jacobian`: a block of parameters
/// moved from the sampler's real line to where they live, with the density's change of variables
/// (left out for an element whose density is stated on the sampled coordinate itself).
public struct Constrain: DifferentiableOperation {
    public let u: Node, x: Node, logJacobian: Node
    public let supports: [Support]
    public let jacobian: [Bool]
    public var inputs: [Node] { [u] }
    public var outputs: [Node] { [x, logJacobian] }

    public func forward(_ w: Workspace) {
        let u = w.value(self.u), x = w.value(self.x)
        var total = 0.0
        for i in 0..<supports.count {
            x[i] = supports[i].constrain(u[i])
            if jacobian[i] { total += supports[i].logJacobian(u: u[i], x: x[i]).value }
        }
        w.value(logJacobian)[0] = total
    }

    public func backward(_ w: Workspace) {
        let u = w.value(self.u), x = w.value(self.x), uBar = w.adjoint(self.u), xBar = w.adjoint(self.x)
        let jBar = w.adjoint(logJacobian)[0]
        for i in 0..<supports.count {
            uBar[i] += xBar[i] * supports[i].derivative(x: x[i])
            if jacobian[i] { uBar[i] += jBar * supports[i].logJacobian(u: u[i], x: x[i]).derivative }
        }
    }
}

extension ProgramBuilder {
    /// The constrained values of `u` (one support per element) and the log-Jacobian of the map.
    public mutating func constrain(_ u: Node, supports: [Support], jacobian: [Bool]? = nil) -> (value: Node, logJacobian: Node) {
        precondition(supports.count == u.count)
        let x = node(u.count), j = node(1)
        append(Constrain(u: u, x: x, logJacobian: j, supports: supports,
                         jacobian: jacobian ?? Array(repeating: true, count: u.count)))
        return (x, j)
    }
}
