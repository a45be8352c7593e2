import Foundation

/// Evaluates a flat plan's objective and its gradient over all draws: adds up the channels'
/// curves per draw and hands the totals to `DrawObjective`. Keeps per-draw buffers so an
/// evaluation allocates nothing; not shared between threads.
final class ObjectiveEvaluator {
    let problem: BudgetProblem
    let channels: Int
    let draws: Int
    /// r_{c,d} and r'_{c,d}, `[channels × draws]`, for the last evaluated plan.
    private(set) var values: [Double]
    private(set) var slopes: [Double]
    /// R_d = Σ_c r_{c,d}, `[draws]`.
    private(set) var totals: [Double]
    /// ∂J/∂R_d at the last evaluated plan, `[draws]`.
    private(set) var weights: [Double]
    private var objective: DrawObjective
    private(set) var evaluations = 0

    init(_ problem: BudgetProblem) {
        self.problem = problem
        channels = problem.channels.count
        draws = problem.drawCount
        values = .init(repeating: 0, count: channels * draws)
        slopes = .init(repeating: 0, count: channels * draws)
        totals = .init(repeating: 0, count: draws)
        weights = .init(repeating: 0, count: draws)
        objective = DrawObjective(problem.objective, draws: draws)
    }

    /// The objective at plan `b` (`[channels]`); when `gradient` is given, fills ∂J/∂b_c.
    func evaluate(_ b: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>?) -> Double {
        evaluations += 1
        let D = draws, C = channels
        values.withUnsafeMutableBufferPointer { v in
            slopes.withUnsafeMutableBufferPointer { s in
                for c in 0..<C {
                    problem.responses[c].evaluate(budget: max(b[c], 0), values: v.baseAddress! + c * D, slopes: s.baseAddress! + c * D)
                }
            }
        }
        for d in 0..<D { totals[d] = 0 }
        for c in 0..<C { for d in 0..<D { totals[d] += values[c * D + d] } }
        let value = objective.evaluate(totals: totals, weights: &weights)
        if let g = gradient {
            for c in 0..<C {
                var s = 0.0
                if objective.hasUniformWeights {
                    for d in 0..<D { s += slopes[c * D + d] }
                    g[c] = s / Double(D)
                } else {
                    for d in 0..<D where weights[d] != 0 { s += weights[d] * slopes[c * D + d] }
                    g[c] = s
                }
            }
        }
        return value
    }

    /// ∂J/∂R_d at plan `b`: how much each draw's total revenue weighs in the objective,
    /// `[draws]`, so that ∂J/∂b_c = Σ_d w_d·r'_{c,d}.
    func drawWeights(at b: [Double]) -> [Double] {
        _ = evaluate(b)
        return weights
    }

    /// The objective's scale where its value does not show it (`DrawObjective.magnitude`), read
    /// after an evaluation.
    var magnitude: Double { objective.magnitude(totals: totals) }

    func evaluate(_ b: [Double]) -> Double {
        b.withUnsafeBufferPointer { evaluate($0, gradient: nil) }
    }

    func evaluateWithGradient(_ b: [Double]) -> (Double, [Double]) {
        var g = [Double](repeating: 0, count: channels)
        let v = b.withUnsafeBufferPointer { bp in g.withUnsafeMutableBufferPointer { evaluate(bp, gradient: $0) } }
        return (v, g)
    }
}
