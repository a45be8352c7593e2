import Foundation

/// Every plan objective, computed from the total revenue of each posterior draw: its value and how
/// much each draw's total weighs in it. Flat plans and schedules alike reduce to this, so an
/// objective is defined here once; their evaluators only add up the curves.
///
/// With weights w_d = ∂J/∂R_d the plan's gradient is ∂J/∂x = Σ_d w_d ∂R_d/∂x, whatever x is.
struct DrawObjective {
    let objective: PlanObjective
    let draws: Int
    /// Draw indices, sorted by outcome after a tail objective's evaluation.
    private var order: [Int]
    /// R_d − baseline_d under `cvarUplift`.
    private var outcomes: [Double]

    init(_ objective: PlanObjective, draws: Int) {
        self.objective = objective
        self.draws = draws
        order = Array(0..<draws)
        outcomes = [Double](repeating: 0, count: draws)
    }

    /// Whether the weights are 1/D for every draw whatever the totals (expected revenue), so a
    /// gradient is a plain mean of the draws' slopes.
    var hasUniformWeights: Bool { objective == .mean }

    /// The objective at per-draw totals `totals` `[draws]`; fills `weights` `[draws]` with ∂J/∂R_d.
    mutating func evaluate(totals: [Double], weights: inout [Double]) -> Double {
        let D = draws
        let mean = totals.reduce(0, +) / Double(D)
        switch objective {
        case .mean:
            for d in 0..<D { weights[d] = 1 / Double(D) }
            return mean
        case .meanMinusSD(let lambda):
            let sd = (totals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(D)).squareRoot()
            for d in 0..<D { weights[d] = 1 / Double(D) - (sd > 0 ? lambda * (totals[d] - mean) / (Double(D) * sd) : 0) }
            return mean - lambda * sd
        case .cvar(let alpha):
            return tail(alpha: alpha, of: totals, weights: &weights)
        case .cvarUplift(let alpha, let baseline):
            // The baseline is a constant per draw: it changes which draws form the tail, not the
            // slopes within it. An empty baseline (the parser's placeholder) reads as zero.
            guard baseline.count == D else { return tail(alpha: alpha, of: totals, weights: &weights) }
            for d in 0..<D { outcomes[d] = totals[d] - baseline[d] }
            return tail(alpha: alpha, of: outcomes, weights: &weights)
        }
    }

    /// The mean of the k = ⌈αD⌉ smallest outcomes, with weight 1/k on those draws. CVaR is
    /// piecewise smooth: these are the weights of the piece the plan is on (a subgradient at a
    /// kink, where two draws swap places).
    private mutating func tail(alpha: Double, of outcomes: [Double], weights: inout [Double]) -> Double {
        let D = draws
        let k = PlanObjective.tailCount(alpha: alpha, draws: D)
        // The k worst draws; ties broken by draw index so the choice is deterministic.
        order.sort { outcomes[$0] != outcomes[$1] ? outcomes[$0] < outcomes[$1] : $0 < $1 }
        var value = 0.0
        for d in 0..<D { weights[d] = 0 }
        for i in 0..<k {
            value += outcomes[order[i]]
            weights[order[i]] = 1 / Double(k)
        }
        return value / Double(k)
    }

    /// A size for the objective when its value at a plan says nothing of its scale: the uplift
    /// over a baseline is near 0 at the baseline, so gaps are measured against the mean |R_d|
    /// instead (0 for the other objectives).
    func magnitude(totals: [Double]) -> Double {
        guard case .cvarUplift = objective else { return 0 }
        return totals.reduce(0) { $0 + abs($1) } / Double(max(totals.count, 1))
    }
}

extension PlanObjective {
    /// Draws in a CVaR tail of share α among D: ⌈αD⌉, at least 1.
    static func tailCount(alpha: Double, draws: Int) -> Int {
        max(1, Int((alpha * Double(draws)).rounded(.up)))
    }

    /// How many evenly spaced draws the genetic algorithm searches on. 400 pin down a mean; a
    /// tail objective needs about 100 draws in its tail, or the search chases the noise of a few
    /// worst draws. (The min keeps a tiny α from trapping in the conversion to Int.)
    var geneticSearchDraws: Int {
        guard let alpha = tailShare else { return 400 }
        return max(400, Int(min((100 / alpha).rounded(.up), 1e9)))
    }
}
