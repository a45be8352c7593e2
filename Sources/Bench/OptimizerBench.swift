import BudgetOptimization
import Foundation
import MediaModel
import Planning
import Sampling

/// Posterior-like Hill response curves for `channels` channels: 4000 draws, a 13-period horizon,
/// 8-period carryover, parameters drawn around channel-specific centres.
func syntheticCurves(channels: Int, draws: Int = 4000, seed: UInt64 = 1) -> (curves: [ResponseCurve], budget: Double, current: [Double]) {
    var rng = SeededGenerator(seed: seed, stream: 5)
    var curves: [ResponseCurve] = [], current: [Double] = []
    for c in 0..<channels {
        let weekly = 20_000 * (1 + 9 * rng.uniform())
        let scale = 1.6 * weekly
        let centreAlpha = 0.1 + 0.6 * rng.uniform(), centreKappa = 0.3 + 0.5 * rng.uniform()
        let centreSlope = 0.8 + 1.2 * rng.uniform(), centreBeta = weekly * (2 + 4 * rng.uniform())
        var weights: [[Double]] = [], beta: [Double] = [], kappa: [Double] = [], slope: [Double] = []
        for _ in 0..<draws {
            let alpha = min(max(centreAlpha + 0.05 * rng.normal(), 0.01), 0.95)
            let raw = (0..<8).map { pow(alpha, Double($0)) }
            weights.append(raw.map { $0 / raw.reduce(0, +) })
            beta.append(centreBeta * exp(0.2 * rng.normal()))
            kappa.append(centreKappa * exp(0.15 * rng.normal()))
            slope.append(centreSlope * exp(0.1 * rng.normal()))
        }
        curves.append(ResponseCurve(channel: "c\(c)", saturation: .hill, horizon: 13, spendScale: scale,
                                    adstockWeights: weights, beta: beta, parameters: zip(kappa, slope).map { [$0, $1] }))
        current.append(13 * weekly)
    }
    return (curves, current.reduce(0, +), current)
}

func benchOptimizer() throws {
    print("Budget optimizer: Hill curves, 4000 draws, 13-period horizon + 8-period carryover, bounds [0.2×, 3×] current, one core")
    for channels in [5, 20, 50] {
        let (curves, budget, current) = syntheticCurves(channels: channels)
        let problem = try PlanProblem(channels: curves.map(\.channel), responses: curves, budget: budget,
                                        lower: current.map { 0.2 * $0 }, upper: current.map { 3 * $0 })
        var line = "  \(channels) channels:"
        var values: [String: Double] = [:]
        for choice in [OptimizerChoice.slsqp, .ga, .auto] {
            let start = Date()
            let (plan, report) = try PlanOptimizer(choice: choice, seed: 1).optimize(problem, start: current)
            let seconds = Date().timeIntervalSince(start)
            values[choice.rawValue] = PlanEvaluation(problem, plan: plan).objective
            line += String(format: " %@ %.3f s (%d evaluations, %@);", choice.rawValue, seconds, report.evaluations, report.status.description)
        }
        let gap = (values["slsqp"]! - values["ga"]!) / abs(values["slsqp"]!)
        print(line + String(format: " SLSQP − GA objective gap %.4f%%", 100 * gap))
    }
    print("")
}
