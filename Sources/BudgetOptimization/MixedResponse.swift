/// One channel's response made of several responses' draws, one block after another: the same
/// channel under several models, mixed as a stacked posterior mixes them.
public struct MixedResponse: ChannelResponse {
    public let parts: [any ChannelResponse]
    public var drawCount: Int { parts.reduce(0) { $0 + $1.drawCount } }

    /// - Parameter parts: each model's response already restricted to the draws it contributes.
    public init(parts: [any ChannelResponse]) { self.parts = parts }

    public func evaluate(budget: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        var offset = 0
        for part in parts {
            part.evaluate(budget: budget, values: values + offset, slopes: slopes + offset)
            offset += part.drawCount
        }
    }

    public func restricted(to indices: [Int]) -> any ChannelResponse {
        // Indices arrive in increasing order from every caller (evenly spaced subsamples), so each
        // part's draws stay one block.
        MixedResponse(parts: drawRuns(indices, counts: parts.map(\.drawCount)).map { parts[$0.part].restricted(to: $0.local) })
    }
}

/// Draw indices into blocks of draws of sizes `counts` (one block after another), as runs of
/// consecutive indices falling in one block: each run's block and its indices within it.
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
