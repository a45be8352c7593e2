import BudgetOptimization

/// Several schedule responses of one channel over consecutive blocks of draws: a stacked
/// posterior's curves (each model's on the draws it contributes), read as one response.
struct MixedSchedule: ScheduleResponse {
    let parts: [any ScheduleResponse]
    var drawCount: Int { parts.reduce(0) { $0 + $1.drawCount } }
    var periods: Int { parts[0].periods }

    init(parts: [any ScheduleResponse]) {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.periods == parts[0].periods })
        self.parts = parts
    }

    func evaluate(spend: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>, gradients: UnsafeMutablePointer<Double>?) {
        var offset = 0
        for part in parts {
            part.evaluate(spend: spend, values: values + offset, gradients: gradients.map { $0 + offset * periods })
            offset += part.drawCount
        }
    }

    func breakdown(spend: [Double]) -> ScheduleBreakdown {
        let pieces = parts.map { $0.breakdown(spend: spend) }
        return ScheduleBreakdown(bySpendPeriod: pieces.flatMap(\.bySpendPeriod), arriving: pieces.flatMap(\.arriving),
                                 carryIn: pieces.flatMap(\.carryIn))
    }

    func restricted(to indices: [Int]) -> any ScheduleResponse {
        // Draw i of the mixture is draw i − start of the part holding it.
        var starts: [Int] = [], total = 0
        for part in parts { starts.append(total); total += part.drawCount }
        var pieces: [any ScheduleResponse] = []
        var current: (part: Int, local: [Int])?
        for i in indices {
            let p = starts.lastIndex { $0 <= i }!
            if current?.part == p { current!.local.append(i - starts[p]) } else {
                if let c = current { pieces.append(parts[c.part].restricted(to: c.local)) }
                current = (p, [i - starts[p]])
            }
        }
        if let c = current { pieces.append(parts[c.part].restricted(to: c.local)) }
        return MixedSchedule(parts: pieces)
    }
}
