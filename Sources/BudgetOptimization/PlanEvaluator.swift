import Foundation

/// Evaluates a plan's objective and its gradient over all draws, for flat plans and schedules
/// alike: variables `[rows, periods]` (rows are channels or (geo, channel) pairs; a flat plan has
/// one period), each row's curve evaluated per draw, the totals handed to `DrawObjective`. Keeps
/// its buffers so an evaluation allocates nothing; not shared between threads.
///
/// A one-period row's curve computes its slopes with its values anyway, so they are always kept
/// (`gradients` is then r'_{r,d}); a schedule's gradients only when asked.
final class PlanEvaluator {
    let rows: Int
    let periods: Int
    let draws: Int
    /// Each row's curve, `[rows]`.
    private let responses: [any ScheduleResponse]
    /// One row's spend with negative cells clipped to 0, `[periods]`.
    private var clipped: [Double]
    /// r_{r,d}, `[rows, draws]`, at the last evaluated plan.
    private(set) var values: [Double]
    /// ∂r_{r,d}/∂x_{r,t}, `[rows, draws, periods]`, at the last plan evaluated with a gradient.
    private(set) var gradients: [Double]
    /// R_d = Σ_r r_{r,d}, `[draws]`.
    private(set) var totals: [Double]
    /// ∂J/∂R_d at the last evaluated plan, `[draws]`.
    private(set) var weights: [Double]
    private var objective: DrawObjective
    private(set) var evaluations = 0

    init(_ problem: PlanProblem) {
        let R = problem.channels.count, H = problem.periods, D = problem.drawCount
        rows = R; periods = H; draws = D
        responses = problem.responses
        clipped = .init(repeating: 0, count: H)
        values = .init(repeating: 0, count: R * D)
        gradients = .init(repeating: 0, count: R * D * H)
        totals = .init(repeating: 0, count: D)
        weights = .init(repeating: 0, count: D)
        objective = DrawObjective(problem.objective, draws: D)
    }

    /// The objective's scale where its value does not show it (`DrawObjective.magnitude`), read
    /// after an evaluation.
    var magnitude: Double { objective.magnitude(totals: totals) }

    /// The objective at plan `x` (`[rows, periods]`); when `gradient` is given, fills ∂J/∂x there.
    func evaluate(_ x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>?) -> Double {
        evaluations += 1
        let D = draws, R = rows, H = periods
        let gradientKept = gradient != nil || H == 1
        values.withUnsafeMutableBufferPointer { v in
            gradients.withUnsafeMutableBufferPointer { g in
                for r in 0..<R {
                    for t in 0..<H { clipped[t] = max(x[r * H + t], 0) }
                    clipped.withUnsafeBufferPointer {
                        responses[r].evaluate(spend: $0.baseAddress!, values: v.baseAddress! + r * D,
                                              gradients: gradientKept ? g.baseAddress! + r * D * H : nil)
                    }
                }
            }
        }
        for d in 0..<D { totals[d] = 0 }
        for r in 0..<R { for d in 0..<D { totals[d] += values[r * D + d] } }
        let value = objective.evaluate(totals: totals, weights: &weights)
        guard let out = gradient else { return value }
        gradients.withUnsafeBufferPointer { g in
            for r in 0..<R {
                let block = g.baseAddress! + r * D * H
                if H == 1 {
                    // One period: a scalar sum the compiler keeps in a register.
                    var sum = 0.0
                    if objective.hasUniformWeights {
                        for d in 0..<D { sum += block[d] }
                        out[r] = sum / Double(D)
                    } else {
                        for d in 0..<D where weights[d] != 0 { sum += weights[d] * block[d] }
                        out[r] = sum
                    }
                    continue
                }
                for t in 0..<H { out[r * H + t] = 0 }
                if objective.hasUniformWeights {
                    // The mean's gradient is the draws' mean slope: a plain sum, divided once.
                    for d in 0..<D {
                        let row = block + d * H
                        for t in 0..<H { out[r * H + t] += row[t] }
                    }
                    for t in 0..<H { out[r * H + t] /= Double(D) }
                } else {
                    for d in 0..<D where weights[d] != 0 {
                        let w = weights[d], row = block + d * H
                        for t in 0..<H { out[r * H + t] += w * row[t] }
                    }
                }
            }
        }
        return value
    }

    func evaluate(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { evaluate($0, gradient: nil) }
    }

    func evaluateWithGradient(_ x: [Double]) -> (Double, [Double]) {
        var g = [Double](repeating: 0, count: rows * periods)
        let v = x.withUnsafeBufferPointer { xp in g.withUnsafeMutableBufferPointer { evaluate(xp, gradient: $0) } }
        return (v, g)
    }

    /// ∂J/∂R_d at plan `x`: how much each draw's total revenue weighs in the objective, `[draws]`.
    func drawWeights(at x: [Double]) -> [Double] {
        _ = evaluate(x)
        return weights
    }
}
