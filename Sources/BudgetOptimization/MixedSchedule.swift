/// Several schedule responses of one channel over consecutive blocks of draws: a stacked
/// posterior's curves (each model's on the draws it contributes), read as one response.
public struct MixedSchedule: ScheduleResponse {
    public let parts: [any ScheduleResponse]
    public var drawCount: Int { parts.reduce(0) { $0 + $1.drawCount } }
    public var periods: Int { parts[0].periods }

    /// - Parameter parts: each model's response already restricted to the draws it contributes.
    public init(parts: [any ScheduleResponse]) {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.periods == parts[0].periods })
        self.parts = parts
    }

    public func evaluate(spend: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>, gradients: UnsafeMutablePointer<Double>?) {
        var offset = 0
        for part in parts {
            part.evaluate(spend: spend, values: values + offset, gradients: gradients.map { $0 + offset * periods })
            offset += part.drawCount
        }
    }

    public func breakdown(spend: [Double]) -> ScheduleBreakdown {
        let pieces = parts.map { $0.breakdown(spend: spend) }
        return ScheduleBreakdown(bySpendPeriod: pieces.flatMap(\.bySpendPeriod), arriving: pieces.flatMap(\.arriving),
                                 carryIn: pieces.flatMap(\.carryIn))
    }

    public func restricted(to indices: [Int]) -> any ScheduleResponse {
        MixedSchedule(parts: drawRuns(indices, counts: parts.map(\.drawCount)).map { parts[$0.part].restricted(to: $0.local) })
    }
}

/// Draw indices into blocks of draws of sizes `counts` (one block after another), as runs of
/// consecutive indices falling in one block: each run's block and its indices within it.
/// Indices arrive in increasing order from every caller (evenly spaced subsamples), so each
/// part's draws stay one block.
func drawRuns(_ indices: [Int], counts: [Int]) -> [(part: Int, local: [Int])] {
    var starts: [Int] = [], total = 0
    for n in counts { starts.append(total); total += n }
    var runs: [(part: Int, local: [Int])] = []
    for i in indices {
        let p = starts.lastIndex { $0 <= i }!
        if runs.last?.part == p { runs[runs.count - 1].local.append(i - starts[p]) } else { runs.append((p, [i - starts[p]])) }
    }
    return runs
}
