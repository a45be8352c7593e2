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
        var starts: [Int] = [], total = 0
        for part in parts { starts.append(total); total += part.drawCount }
        var local = [[Int]](repeating: [], count: parts.count)
        var order: [Int] = []
        for i in indices {
            let p = starts.lastIndex { $0 <= i }!
            if local[p].isEmpty || order.last != p { order.append(p) }
            local[p].append(i - starts[p])
        }
        // Indices arrive in increasing order from every caller (evenly spaced subsamples), so each
        // part's draws stay one block.
        return MixedResponse(parts: parts.indices.filter { !local[$0].isEmpty }.map { parts[$0].restricted(to: local[$0]) })
    }
}
