/// A differentiable target for the sampler: an unnormalized log density on ℝⁿ.
///
/// The sampler knows nothing else about the model. Constrained parameters must be mapped
/// to the real line by the conforming type, with the log-Jacobian included in the density.
public protocol LogDensity: Sendable {
    /// Number of unconstrained coordinates, n.
    var dimension: Int { get }

    /// Returns log p(x) up to an additive constant and writes ∇ log p(x) into `gradient`.
    ///
    /// - Parameters:
    ///   - x: the point, `[dimension]`.
    ///   - gradient: output, `[dimension]`; fully overwritten.
    /// - Returns: the log density; `-infinity` or NaN marks a point outside the support,
    ///   which the sampler treats as infinite energy (a divergence), never as an error.
    func logDensity(at x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double

    /// The density for one chain's exclusive use. A target that needs scratch memory for its
    /// gradient returns a copy that owns it, so buffers are made once per chain rather than once
    /// per evaluation; the default returns the target itself.
    func forChain() -> any LogDensity
}

extension LogDensity {
    public func forChain() -> any LogDensity { self }
}

extension LogDensity {
    /// Convenience for tests and tools: log density and gradient at an array point.
    public func logDensityAndGradient(at x: [Double]) -> (value: Double, gradient: [Double]) {
        precondition(x.count == dimension, "point has \(x.count) coordinates, target has \(dimension)")
        var gradient = [Double](repeating: 0, count: dimension)
        let value = x.withUnsafeBufferPointer { xs in
            gradient.withUnsafeMutableBufferPointer { logDensity(at: xs, gradient: $0) }
        }
        return (value, gradient)
    }
}
