import BudgetOptimization
import Foundation
import MediaModel
import Planning
import Sampling

/// Posterior-like Hill schedule curves: 4000 draws, 8-period carryover, the same parameter
/// centres as the budget optimizer's bench, and carry-in from a history of typical weeks.
func syntheticScheduleCurves(channels: Int, periods: Int, draws: Int = 4000, seed: UInt64 = 1) -> (curves: [ScheduleCurve], budget: Double) {
    var rng = SeededGenerator(seed: seed, stream: 5)
    var curves: [ScheduleCurve] = [], budget = 0.0
    for c in 0..<channels {
        let weekly = 20_000 * (1 + 9 * rng.uniform())
        let scale = 1.6 * weekly
        let centreAlpha = 0.1 + 0.6 * rng.uniform(), centreKappa = 0.3 + 0.5 * rng.uniform()
        let centreSlope = 0.8 + 1.2 * rng.uniform(), centreBeta = weekly * (2 + 4 * rng.uniform())
        var weights: [[Double]] = [], beta: [Double] = [], parameters: [[Double]] = []
        for _ in 0..<draws {
            let alpha = min(max(centreAlpha + 0.05 * rng.normal(), 0.01), 0.95)
            let raw = (0..<8).map { pow(alpha, Double($0)) }
            weights.append(raw.map { $0 / raw.reduce(0, +) })
            beta.append(centreBeta * exp(0.2 * rng.normal()))
            parameters.append([centreKappa * exp(0.15 * rng.normal()), centreSlope * exp(0.1 * rng.normal())])
        }
        curves.append(ScheduleCurve(channel: "c\(c)", saturation: SaturationKind.hill.family, periods: periods, spendScale: scale,
                                    adstockWeights: weights, beta: beta, parameters: parameters,
                                    history: [Double](repeating: weekly, count: 12)))
        budget += Double(periods) * weekly
    }
    return (curves, budget)
}

func benchSchedule() throws {
    print("Schedule optimizer: Hill curves with carry-in, 4000 draws, 13 weekly periods, 8-period carryover, one core")
    // `--channels N` runs one size.
    let arguments = CommandLine.arguments
    let only = arguments.firstIndex(of: "--channels").flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil }
    // `--nlopt` solves large schedules through NLopt as before Newton's method took them over.
    let nlopt = arguments.contains("--nlopt")
    // `--curve-seed N` draws other synthetic curves (default 1).
    let curveSeed = arguments.firstIndex(of: "--curve-seed").flatMap { $0 + 1 < arguments.count ? UInt64(arguments[$0 + 1]) : nil } ?? 1
    for channels in only.map({ [$0] }) ?? [5, 20, 50] {
        let (curves, budget) = syntheticScheduleCurves(channels: channels, periods: 13, seed: curveSeed)
        let months = [PeriodBudget(periods: Array(0..<4), amount: 0.25 * budget, label: "month 1"),
                      PeriodBudget(periods: Array(4..<8), amount: 0.35 * budget, label: "month 2"),
                      PeriodBudget(periods: Array(8..<13), amount: 0.40 * budget, label: "month 3")]
        for (label, groups) in [("total only", [PeriodBudget]()), ("monthly budgets", months)] {
            let problem = try PlanProblem(channels: curves.map(\.channel), periods: 13, responses: curves, budget: budget,
                                              periodBudgets: groups)
            var line = "  \(channels) channels × 13 weeks (\(channels * 13) variables), \(label):"
            if groups.isEmpty {
                // One evaluation with its gradient, as SLSQP asks for it (CPU time).
                let point = [Double](repeating: budget / Double(channels * 13), count: channels * 13)
                var gradient = point
                let cpu = processCPUSeconds()
                for _ in 0..<10 { _ = PlanEvaluation.objective(problem, plan: point, gradient: &gradient) }
                let seconds = (processCPUSeconds() - cpu) / 10
                line += String(format: " one evaluation %.1f ms CPU (%.0f ns per draw and channel);", seconds * 1e3, seconds * 1e9 / Double(4000 * channels))
            }
            for choice in [OptimizerChoice.slsqp, .auto] where channels <= 20 || choice == .slsqp {
                let start = Date(), cpu = processCPUSeconds()
                // Started as a plan starts: from the flat plan (here the even split) spread evenly.
                var optimizer = PlanOptimizer(choice: choice, seed: 1)
                if nlopt { optimizer.strategy.newtonCells = .max }
                let (plan, report) = try optimizer.optimize(problem, start: Array(repeating: budget / Double(channels * 13), count: channels * 13))
                let seconds = Date().timeIntervalSince(start), cpuSeconds = processCPUSeconds() - cpu
                let evaluation = PlanEvaluation(problem, plan: plan)
                let kkt = ScheduleOptimality(problem, schedule: plan, gradient: evaluation.cellGradient)
                let spread = kkt.groups.map(\.interiorSpread).max() ?? 0
                let atBounds = kkt.groups.map(\.boundViolation).max() ?? 0
                line += String(format: " %@ %.3f s wall, %.3f s CPU (%d + %d evaluations, %@, objective %.10g, KKT spread %.1e, at bounds %.1e);", choice.rawValue, seconds, cpuSeconds,
                               report.slsqpEvaluations, report.geneticEvaluations, report.status.description, evaluation.objective, spread, atBounds)
            }
            print(line)
        }
    }
    print("")
}
