import Foundation

/// A quantity across draws: mean and the central band.
public struct Spread: Sendable, Equatable {
    public var mean: Double
    public var lower: Double
    public var median: Double
    public var upper: Double

    /// - Parameter interval: width of the central band (0.90 gives p05 and p95).
    public init(_ values: [Double], interval: Double) {
        let s = values.sorted()
        func q(_ p: Double) -> Double {
            let h = Double(s.count - 1) * p
            let i = Int(h.rounded(.down)), j = min(i + 1, s.count - 1)
            return s[i] + (h - Double(i)) * (s[j] - s[i])
        }
        mean = values.reduce(0, +) / Double(values.count)
        lower = q((1 - interval) / 2); median = q(0.5); upper = q((1 + interval) / 2)
    }
}

/// A plan's figures across draws: per row (channel or pair) and in total; for a schedule also per
/// (row, period), per period, and the revenue already paid for by past spend, kept apart.
public struct PlanEvaluation: Sendable {
    public struct Channel: Sendable {
        public var name: String
        /// Total over the periods, currency.
        public var spend: Double
        /// Incremental revenue over the horizon and carryover tail, across draws.
        public var revenue: Spread
        /// Marginal ROAS d revenue / d spend, across draws: along the row's own schedule (one more
        /// unit spread in proportion to its spend per period; evenly over its open periods when it
        /// spends nothing).
        public var marginalROAS: Spread
        public var roas: Double { spend > 0 ? revenue.mean / spend : .nan }
    }

    public var channels: [Channel]
    public var total: Spread
    /// Total revenue per draw, `[draws]` (for comparing plans draw by draw).
    public var totalByDraw: [Double]
    /// The objective's value.
    public var objective: Double
    /// ∂objective/∂(row total) along each row's schedule, `[rows]`.
    public var objectiveGradient: [Double]
    /// ∂objective/∂s per cell, `[rows, periods]` (one period: `objectiveGradient`).
    public var cellGradient: [Double]
    /// The plan, `[rows, periods]`.
    public var plan: [Double]
    /// Schedules only (empty for one period): revenue bought by each cell's spend, including its
    /// later carryover, `[rows, periods]`.
    public var cells: [Spread] = []
    /// Schedules only: media revenue arriving in each planned period, plan and carry-in together,
    /// per draw `[periods][draws]`, so baselines can be added draw by draw.
    public var arrivingByDraw: [[Double]] = []
    /// Schedules only: revenue of the carry-in alone per row (already paid for), `[rows]`, and
    /// in total.
    public var carryIn: [Spread] = []
    public var carryInTotal: Spread? = nil
    public var budget: Double { channels.reduce(0) { $0 + $1.spend } }

    /// Evaluates `plan` (`[rows, periods]`) on the problem's draws.
    public init(_ problem: PlanProblem, plan: [Double], interval: Double = 0.90) {
        precondition(plan.count == problem.dimension, "a plan of \(plan.count) values on a problem of \(problem.dimension) cells")
        let evaluator = PlanEvaluator(problem)
        let (value, gradient) = evaluator.evaluateWithGradient(plan)
        let R = problem.channels.count, H = problem.periods, D = evaluator.draws
        self.plan = plan
        cellGradient = gradient
        objective = value
        totalByDraw = evaluator.totals
        total = Spread(evaluator.totals, interval: interval)
        var channels: [Channel] = [], rowGradient: [Double] = []
        for r in 0..<R {
            let row = Array(plan[(r * H)..<((r + 1) * H)])
            // The direction of one more unit of spend: along the schedule, or evenly where it is 0.
            let spend = row.reduce(0, +)
            let open = (0..<H).filter { H == 1 || problem.caps[r * H + $0] > 0 }
            let direction = spend > 0 ? row.map { $0 / spend } : (0..<H).map { open.contains($0) ? 1 / Double(max(open.count, 1)) : 0 }
            let marginal = evaluator.gradients.withUnsafeBufferPointer { g in
                (0..<D).map { d in (0..<H).reduce(0) { $0 + g[(r * D + d) * H + $1] * direction[$1] } }
            }
            channels.append(Channel(name: problem.channels[r], spend: spend,
                                    revenue: Spread(Array(evaluator.values[(r * D)..<((r + 1) * D)]), interval: interval),
                                    marginalROAS: Spread(marginal, interval: interval)))
            rowGradient.append((0..<H).reduce(0) { $0 + gradient[r * H + $1] * direction[$1] })
        }
        self.channels = channels
        objectiveGradient = rowGradient
        if H > 1 { addSchedule(problem, interval: interval) }
    }

    /// The schedule's breakdown: what each cell buys, what arrives when, the carry-in.
    private mutating func addSchedule(_ problem: PlanProblem, interval: Double) {
        let R = problem.channels.count, H = problem.periods, D = problem.drawCount
        var carryTotal = [Double](repeating: 0, count: D)
        arrivingByDraw = [[Double]](repeating: [Double](repeating: 0, count: D), count: H)
        for r in 0..<R {
            let b = problem.responses[r].breakdown(spend: Array(plan[(r * H)..<((r + 1) * H)]))
            for t in 0..<H {
                cells.append(Spread((0..<D).map { b.bySpendPeriod[$0 * H + t] }, interval: interval))
                for d in 0..<D { arrivingByDraw[t][d] += b.arriving[d * H + t] }
            }
            carryIn.append(Spread(b.carryIn, interval: interval))
            for d in 0..<D { carryTotal[d] += b.carryIn[d] }
        }
        carryInTotal = Spread(carryTotal, interval: interval)
    }

    /// The uplift of this plan over another, draw by draw: mean and band of the difference in total
    /// revenue, and the probability that this plan does better.
    public func uplift(over other: PlanEvaluation, interval: Double = 0.90) -> (change: Spread, probabilityBetter: Double) {
        let diff = zip(totalByDraw, other.totalByDraw).map { $0 - $1 }
        return (Spread(diff, interval: interval), Double(diff.filter { $0 > 0 }.count) / Double(diff.count))
    }

    /// The objective at `plan` (`[rows, periods]`) and its gradient, for benchmarks and checks.
    public static func objective(_ problem: PlanProblem, plan: [Double], gradient: inout [Double]) -> Double {
        let (value, g) = PlanEvaluator(problem).evaluateWithGradient(plan)
        gradient = g
        return value
    }
}
