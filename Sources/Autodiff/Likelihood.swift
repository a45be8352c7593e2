import Foundation

/// Log-likelihood of fixed observations under a location–scale family, summed into a scalar,
/// with each observation's own log-likelihood (normalizing constants included) written to
/// `pointwise` when asked, for model comparison by leave-one-out.
///
/// The scalar drops constants: the −log σ term is kept only when the scale depends on the input.
public struct LocationScaleLikelihood: DifferentiableOperation {
    public enum Family: Sendable, Equatable {
        case normal
        /// Student-t with fixed degrees of freedom ν.
        case studentT(degreesOfFreedom: Double)
    }
    public let family: Family
    public let observed: Node, mean: Node, scale: Node
    public let out: Node
    public let pointwise: Node?
    /// Whether −log σ enters the scalar (the scale is a parameter).
    public let scaleIsParameter: Bool
    public var inputs: [Node] { [observed, mean, scale] }
    public var outputs: [Node] { pointwise.map { [out, $0] } ?? [out] }

    public func forward(_ w: Workspace) {
        let y = w.value(observed), mu = w.value(mean), s = w.value(scale)
        let n = observed.count, ss = scale.count == 1 ? 0 : 1
        let p = pointwise.map { w.value($0) }
        var total = 0.0
        // One logarithm for a shared scale, not one per observation.
        let sharedLogSigma = log(s[0])
        switch family {
        case .normal:
            let c = -0.5 * log(2 * Double.pi)
            for i in 0..<n {
                let sigma = s[i * ss], z = (y[i] - mu[i]) / sigma
                let logSigma = ss == 0 ? sharedLogSigma : log(sigma)
                total -= 0.5 * z * z
                if scaleIsParameter { total -= logSigma }
                p?[i] = c - logSigma - 0.5 * z * z
            }
        case .studentT(let nu):
            let c = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * Double.pi)
            for i in 0..<n {
                let sigma = s[i * ss], z = (y[i] - mu[i]) / sigma
                let logSigma = ss == 0 ? sharedLogSigma : log(sigma), body = 0.5 * (nu + 1) * log1p(z * z / nu)
                total -= body
                if scaleIsParameter { total -= logSigma }
                p?[i] = c - logSigma - body
            }
        }
        w.value(out)[0] = total
    }

    public func backward(_ w: Workspace) {
        let y = w.value(observed), mu = w.value(mean), s = w.value(scale)
        let muBar = w.adjoint(mean), sBar = w.adjoint(scale)
        let g = w.adjoint(out)[0]
        let pBar = pointwise.map { w.adjoint($0) }
        let n = observed.count, ss = scale.count == 1 ? 0 : 1
        let logTerm = scaleIsParameter ? 1.0 : 0.0
        // ∂(log density)/∂μ = k/σ and ∂/∂σ = (k·z − 1)/σ, with k = z (normal) or (ν+1)z/(ν+z²).
        // The total weighs each observation by g (with −log σ only for a parameter scale), the
        // pointwise value by its own adjoint, always with −log σ.
        @inline(__always) func accumulate(_ i: Int, _ z: Double, _ k: Double, _ inverseSigma: Double) {
            let p = pBar?[i] ?? 0
            let weight = g + p
            muBar[i] += weight * k * inverseSigma
            sBar[i * ss] += (weight * k * z - (g * logTerm + p)) * inverseSigma
        }
        switch family {
        case .normal:
            for i in 0..<n {
                let inverseSigma = 1 / s[i * ss], z = (y[i] - mu[i]) * inverseSigma
                accumulate(i, z, z, inverseSigma)
            }
        case .studentT(let nu):
            for i in 0..<n {
                let inverseSigma = 1 / s[i * ss], z = (y[i] - mu[i]) * inverseSigma
                accumulate(i, z, (nu + 1) * z / (nu + z * z), inverseSigma)
            }
        }
    }
}

extension ProgramBuilder {
    /// Σ log p(observed | mean, scale), `[1]`, and optionally each observation's log density
    /// (normalized), `[observed.count]`.
    public mutating func likelihood(_ family: LocationScaleLikelihood.Family, observed: Node, mean: Node, scale: Node,
                                    pointwise: Bool = false) -> (total: Node, pointwise: Node?) {
        precondition(mean.count == observed.count && (scale.count == 1 || scale.count == observed.count))
        let out = node(1)
        let p = pointwise ? node(observed.count) : nil
        append(LocationScaleLikelihood(family: family, observed: observed, mean: mean, scale: scale, out: out,
                                       pointwise: p, scaleIsParameter: isVariable(scale)))
        return (out, p)
    }
}
