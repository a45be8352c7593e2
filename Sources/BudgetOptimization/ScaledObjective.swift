import CNLopt

/// The objective as NLopt maximizes it, in scaled variables y_i = x_i/σ_i and divided by a size J₀:
/// J(σ·y)/J₀, with gradient σ_i·(∂J/∂x_i)/J₀. Every SLSQP run hands NLopt such a context (its
/// subclass adds the data its constraints read), so the objective is seen the same way by all.
class ScaledObjective {
    let evaluator: PlanEvaluator
    /// σ_i, currency per unit of y_i, `[variables]`.
    let scales: [Double]
    /// J₀: the objective's size at the start (the revenue's for an uplift near 0 there).
    let objectiveScale: Double
    var unscaled: [Double]
    var gradient: [Double]
    /// Calls NLopt made.
    var evaluations = 0
    /// The objective or its gradient was not finite somewhere: NLopt was asked to stop (nothing
    /// may unwind through C), and the run's point is not usable.
    var failed = false

    init(_ evaluator: PlanEvaluator, scales: [Double], objectiveScale: Double) {
        self.evaluator = evaluator; self.scales = scales; self.objectiveScale = objectiveScale
        unscaled = .init(repeating: 0, count: scales.count); gradient = .init(repeating: 0, count: scales.count)
    }
}

/// NLopt's objective callback for a `ScaledObjective` passed (unretained) as `data`.
func scaledObjectiveCallback(_ count: UInt32, _ x: UnsafePointer<Double>?, _ grad: UnsafeMutablePointer<Double>?,
                             _ data: UnsafeMutableRawPointer?) -> Double {
    let ctx = Unmanaged<ScaledObjective>.fromOpaque(data!).takeUnretainedValue()
    let n = Int(count)
    for i in 0..<n { ctx.unscaled[i] = x![i] * ctx.scales[i] }
    ctx.evaluations += 1
    let value = ctx.unscaled.withUnsafeBufferPointer { s in
        ctx.gradient.withUnsafeMutableBufferPointer { g in ctx.evaluator.evaluate(s, gradient: grad == nil ? nil : g) }
    }
    guard value.isFinite, grad == nil || ctx.gradient.allSatisfy(\.isFinite) else {
        ctx.failed = true
        return -Double.greatestFiniteMagnitude
    }
    if let grad { for i in 0..<n { grad[i] = ctx.gradient[i] * ctx.scales[i] / ctx.objectiveScale } }
    return value / ctx.objectiveScale
}
