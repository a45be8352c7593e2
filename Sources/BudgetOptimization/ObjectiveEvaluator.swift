import Foundation

/// Evaluates the plan objective and its gradient over all draws. Keeps per-draw buffers so an
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
    private var order: [Int]
    /// R_d − baseline_d for `cvarUplift`, `[draws]`.
    private var uplift: [Double]
    private(set) var evaluations = 0

    init(_ problem: BudgetProblem) {
        self.problem = problem
        channels = problem.channels.count
        draws = problem.drawCount
        values = .init(repeating: 0, count: channels * draws)
        slopes = .init(repeating: 0, count: channels * draws)
        totals = .init(repeating: 0, count: draws)
        order = Array(0..<draws)
        uplift = .init(repeating: 0, count: draws)
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
        let mean = totals.reduce(0, +) / Double(D)
        switch problem.objective {
        case .mean:
            if let g = gradient { for c in 0..<C { g[c] = slopes[(c * D)..<((c + 1) * D)].reduce(0, +) / Double(D) } }
            return mean
        case .meanMinusSD(let lambda):
            let variance = totals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(D)
            let sd = variance.squareRoot()
            if let g = gradient {
                for c in 0..<C {
                    var m = 0.0, cov = 0.0
                    for d in 0..<D {
                        let s = slopes[c * D + d]
                        m += s
                        cov += (totals[d] - mean) * s
                    }
                    g[c] = m / Double(D) - (sd > 0 ? lambda * cov / (Double(D) * sd) : 0)
                }
            }
            return mean - lambda * sd
        case .cvar(let alpha):
            return tail(alpha: alpha, of: totals, gradient: gradient)
        case .cvarUplift(let alpha, let baseline):
            // The baseline is a constant per draw: it changes which draws form the tail, not the
            // slopes within it.
            if baseline.count == D { for d in 0..<D { uplift[d] = totals[d] - baseline[d] } }
            else { for d in 0..<D { uplift[d] = totals[d] } }
            return tail(alpha: alpha, of: uplift, gradient: gradient)
        }
    }

    /// The mean of the k = ⌈αD⌉ smallest of `outcomes` (`[draws]`) and, when `gradient` is given,
    /// the mean slope of the plan over those draws. CVaR is piecewise smooth: this is the gradient
    /// of the piece the plan is on (a subgradient at a kink, where two draws swap places).
    private func tail(alpha: Double, of outcomes: [Double], gradient: UnsafeMutableBufferPointer<Double>?) -> Double {
        let D = draws, C = channels
        let k = max(1, Int((alpha * Double(D)).rounded(.up)))
        // The k worst draws; ties broken by draw index so the choice is deterministic.
        order.sort { outcomes[$0] != outcomes[$1] ? outcomes[$0] < outcomes[$1] : $0 < $1 }
        var value = 0.0
        for i in 0..<k { value += outcomes[order[i]] }
        if let g = gradient {
            for c in 0..<C {
                var s = 0.0
                for i in 0..<k { s += slopes[c * D + order[i]] }
                g[c] = s / Double(k)
            }
        }
        return value / Double(k)
    }

    /// ∂J/∂R_d at plan `b`: how much each draw's total revenue weighs in the objective,
    /// `[draws]`, so that ∂J/∂b_c = Σ_d w_d·r'_{c,d}. Constant for the mean; for a CVaR, 1/k on the
    /// plan's k worst draws; for mean − λ·sd, (1 − λ(R_d − R̄)/sd)/D.
    func drawWeights(at b: [Double]) -> [Double] {
        _ = evaluate(b)
        let D = draws
        switch problem.objective {
        case .mean:
            return Array(repeating: 1 / Double(D), count: D)
        case .meanMinusSD(let lambda):
            let mean = totals.reduce(0, +) / Double(D)
            let sd = (totals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(D)).squareRoot()
            return totals.map { (1 - (sd > 0 ? lambda * ($0 - mean) / sd : 0)) / Double(D) }
        case .cvar(let alpha), .cvarUplift(let alpha, _):
            // evaluate(b) left `order` sorted by the outcome the tail is taken of.
            let k = max(1, Int((alpha * Double(D)).rounded(.up)))
            var w = [Double](repeating: 0, count: D)
            for i in 0..<k { w[order[i]] = 1 / Double(k) }
            return w
        }
    }

    /// A size for the objective when its value at a plan says nothing of its scale: the uplift
    /// over a baseline is 0 at the baseline, so SLSQP scales it by the revenue there instead.
    var magnitude: Double {
        RunChoice.upliftMagnitude(problem.objective, totals: totals)
    }

    func evaluate(_ b: [Double]) -> Double {
        b.withUnsafeBufferPointer { evaluate($0, gradient: nil) }
    }

    func evaluateWithGradient(_ b: [Double]) -> (Double, [Double]) {
        var g = [Double](repeating: 0, count: channels)
        let v = b.withUnsafeBufferPointer { bp in g.withUnsafeMutableBufferPointer { evaluate(bp, gradient: $0) } }
        return (v, g)
    }
}
