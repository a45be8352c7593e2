import Foundation

/// Evaluates a schedule's objective and its gradient over all draws. Keeps per-draw buffers so
/// an evaluation allocates nothing; not shared between threads.
final class ScheduleEvaluator {
    let problem: ScheduleProblem
    let channels: Int
    let periods: Int
    let draws: Int
    /// r_{c,d}, `[channels, draws]`, for the last evaluated schedule.
    private(set) var values: [Double]
    /// ∂r_{c,d}/∂s_{c,t}, one `[draws, periods]` block per channel.
    private var gradients: [Double]
    /// R_d = Σ_c r_{c,d}, `[draws]`.
    private(set) var totals: [Double]
    /// ∂J/∂R_d at the last evaluated schedule, `[draws]`.
    private var drawWeights: [Double]
    private var objective: DrawObjective
    private(set) var evaluations = 0

    init(_ problem: ScheduleProblem) {
        self.problem = problem
        channels = problem.channels.count; periods = problem.periods; draws = problem.drawCount
        values = .init(repeating: 0, count: channels * draws)
        gradients = .init(repeating: 0, count: channels * draws * periods)
        totals = .init(repeating: 0, count: draws)
        drawWeights = .init(repeating: 0, count: draws)
        objective = DrawObjective(problem.objective, draws: draws)
    }

    /// A size for the objective when its value says nothing of its scale: the uplift over a
    /// baseline is near 0 at the baseline, so gaps are measured against the revenue instead
    /// (0 for other objectives). Read after an evaluation.
    var magnitude: Double { objective.magnitude(totals: totals) }

    /// The objective at schedule `s` (`[channels, periods]`); when `gradient` is given, fills
    /// ∂J/∂s (`[channels, periods]`).
    func evaluate(_ s: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>?) -> Double {
        evaluations += 1
        let D = draws, C = channels, H = periods
        withUnsafeTemporaryAllocation(of: Double.self, capacity: H) { clipped in
            values.withUnsafeMutableBufferPointer { v in
                gradients.withUnsafeMutableBufferPointer { g in
                    for c in 0..<C {
                        for t in 0..<H { clipped[t] = max(s[c * H + t], 0) }
                        problem.responses[c].evaluate(spend: clipped.baseAddress!, values: v.baseAddress! + c * D,
                                                      gradients: gradient == nil ? nil : g.baseAddress! + c * D * H)
                    }
                }
            }
        }
        for d in 0..<D { totals[d] = 0 }
        for c in 0..<C { for d in 0..<D { totals[d] += values[c * D + d] } }
        let value = objective.evaluate(totals: totals, weights: &drawWeights)
        if let out = gradient {
            for i in 0..<(C * H) { out[i] = 0 }
            gradients.withUnsafeBufferPointer { g in
                for c in 0..<C {
                    let block = g.baseAddress! + c * D * H
                    for d in 0..<D where drawWeights[d] != 0 {
                        let w = drawWeights[d], row = block + d * H
                        for t in 0..<H { out[c * H + t] += w * row[t] }
                    }
                }
            }
        }
        return value
    }

    func evaluate(_ s: [Double]) -> Double {
        s.withUnsafeBufferPointer { evaluate($0, gradient: nil) }
    }

    func evaluateWithGradient(_ s: [Double]) -> (Double, [Double]) {
        var g = [Double](repeating: 0, count: channels * periods)
        let v = s.withUnsafeBufferPointer { sp in g.withUnsafeMutableBufferPointer { evaluate(sp, gradient: $0) } }
        return (v, g)
    }
}
