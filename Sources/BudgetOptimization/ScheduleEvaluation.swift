import Foundation

/// A schedule's figures across draws: per channel, per (channel, period), per period, and the
/// revenue already paid for by past spend, kept apart.
public struct ScheduleEvaluation: Sendable {
    /// The schedule, `[channels, periods]`.
    public var schedule: [Double]
    /// Per channel totals, with mROAS along the channel's own schedule (one more unit spread in
    /// proportion to its weekly spend; evenly over its open periods when it spends nothing).
    public var summary: PlanEvaluation
    /// Revenue bought by each cell's spend, including its later carryover, `[channels, periods]`.
    public var cells: [Spread]
    /// Media revenue arriving in each planned period, plan and carry-in together, `[periods]`,
    /// per draw `[periods][draws]` so baselines can be added draw by draw.
    public var arrivingByDraw: [[Double]]
    /// Revenue of the carry-in alone per channel (already paid for), `[channels]`, and in total.
    public var carryIn: [Spread]
    public var carryInTotal: Spread
    /// ∂objective/∂s, `[channels, periods]`.
    public var objectiveGradient: [Double]

    /// Evaluates `schedule` on the problem's draws.
    public init(_ problem: ScheduleProblem, schedule: [Double], interval: Double = 0.90) {
        let evaluator = ScheduleEvaluator(problem)
        let (value, gradient) = evaluator.evaluateWithGradient(schedule)
        let C = problem.channels.count, H = problem.periods, D = problem.drawCount
        self.schedule = schedule
        objectiveGradient = gradient
        var cells: [Spread] = [], carry: [Spread] = [], carryTotal = [Double](repeating: 0, count: D)
        var arriving = [[Double]](repeating: [Double](repeating: 0, count: D), count: H)
        var channels: [PlanEvaluation.Channel] = [], channelGradient: [Double] = []
        for c in 0..<C {
            let row = Array(schedule[(c * H)..<((c + 1) * H)])
            let b = problem.responses[c].breakdown(spend: row)
            for t in 0..<H {
                cells.append(Spread((0..<D).map { b.bySpendPeriod[$0 * H + t] }, interval: interval))
                for d in 0..<D { arriving[t][d] += b.arriving[d * H + t] }
            }
            carry.append(Spread(b.carryIn, interval: interval))
            for d in 0..<D { carryTotal[d] += b.carryIn[d] }
            // The direction of one more unit of spend: along the schedule, or evenly where it is 0.
            let total = row.reduce(0, +)
            let open = (0..<H).filter { problem.caps[c * H + $0] > 0 }
            let direction = total > 0 ? row.map { $0 / total }
                : (0..<H).map { open.contains($0) ? 1 / Double(max(open.count, 1)) : 0 }
            var values = [Double](repeating: 0, count: D), grads = [Double](repeating: 0, count: D * H)
            row.withUnsafeBufferPointer { problem.responses[c].evaluate(spend: $0.baseAddress!, values: &values, gradients: &grads) }
            let marginal = (0..<D).map { d in (0..<H).reduce(0) { $0 + grads[d * H + $1] * direction[$1] } }
            channels.append(PlanEvaluation.Channel(name: problem.channels[c], spend: total,
                                                   revenue: Spread(values, interval: interval),
                                                   marginalROAS: Spread(marginal, interval: interval)))
            channelGradient.append((0..<H).reduce(0) { $0 + gradient[c * H + $1] * direction[$1] })
        }
        self.cells = cells
        arrivingByDraw = arriving
        carryIn = carry
        carryInTotal = Spread(carryTotal, interval: interval)
        summary = PlanEvaluation(scheduleChannels: channels, totalByDraw: evaluator.totals, interval: interval,
                                 objective: value, objectiveGradient: channelGradient)
    }
}

/// The first-order (KKT) conditions of a schedule, per spending group (a month with a budget, or
/// the periods the total budget alone governs): cells strictly inside their caps share the
/// group's marginal objective; a cell at 0 has no higher marginal, one at its cap no lower.
/// Checked only where no channel total binds (a binding channel bound adds its own multiplier).
public struct ScheduleOptimality: Sendable {
    public struct Group: Sendable {
        public var label: String
        /// Mean marginal objective of the group's interior cells, per currency unit.
        public var marginal: Double
        public var interiorCells: Int
        /// Largest relative deviation of an interior cell from the group's marginal.
        public var interiorSpread: Double
        /// Largest relative violation by a cell at 0 or at its cap.
        public var boundViolation: Double
    }
    public var groups: [Group]
    /// Channels whose total sits on its [min, max] bound (their cells are judged with a shift).
    public var channelsAtBounds: [String]

    public init(_ problem: ScheduleProblem, schedule: [Double], gradient: [Double], tolerance: Double = 1e-6) {
        let C = problem.channels.count, H = problem.periods
        let slack = tolerance * max(problem.budget, 1)
        let scale = max(gradient.map(abs).max() ?? 1, 1e-300)
        var bound: [String] = []
        for c in 0..<C {
            let total = (0..<H).reduce(0) { $0 + schedule[c * H + $1] }
            if (problem.lower[c] > 0 && total <= problem.lower[c] + slack) || total >= problem.upper[c] - slack { bound.append(problem.channels[c]) }
        }
        channelsAtBounds = bound
        let free = (0..<C).filter { !bound.contains(problem.channels[$0]) }
        groups = problem.spendingGroups.map { g in
            var interior: [Int] = [], low: [Int] = [], high: [Int] = []
            for t in g.periods {
                for c in free {
                    let i = c * H + t, cap = problem.caps[i]
                    if cap <= slack { continue }
                    if schedule[i] <= slack { low.append(i) } else if schedule[i] >= cap - slack { high.append(i) } else { interior.append(i) }
                }
            }
            let common = interior.isEmpty ? Double.nan : interior.map { gradient[$0] }.reduce(0, +) / Double(interior.count)
            let spread = interior.map { abs(gradient[$0] - common) / scale }.max() ?? 0
            let violation = common.isNaN ? 0 : max(low.map { max(gradient[$0] - common, 0) / scale }.max() ?? 0,
                                                   high.map { max(common - gradient[$0], 0) / scale }.max() ?? 0)
            return Group(label: g.label, marginal: common, interiorCells: interior.count, interiorSpread: spread, boundViolation: violation)
        }
    }
}

extension ScheduleEvaluation {
    /// The objective at `schedule` and its gradient (`[channels, periods]`), for benchmarks and checks.
    public static func objective(_ problem: ScheduleProblem, schedule: [Double], gradient: inout [Double]) -> Double {
        let (value, g) = ScheduleEvaluator(problem).evaluateWithGradient(schedule)
        gradient = g
        return value
    }
}

extension PlanEvaluation {
    /// A schedule's per-channel figures in the shape flat plans report.
    init(scheduleChannels: [Channel], totalByDraw: [Double], interval: Double, objective: Double, objectiveGradient: [Double]) {
        channels = scheduleChannels
        self.totalByDraw = totalByDraw
        total = Spread(totalByDraw, interval: interval)
        self.objective = objective
        self.objectiveGradient = objectiveGradient
    }
}
