/// out[i] = v[sources[i]]: picks, reorders or repeats elements of any nodes (broadcasting a
/// `[channel]` block to `[geo, channel]`, or collecting scalars into one coefficient vector).
public struct Gather: DifferentiableOperation {
    /// Workspace offsets read, `[out.count]`.
    public let sources: [Int]
    public let out: Node
    public let sourceNodes: [Node]
    public var inputs: [Node] { sourceNodes }
    public var outputs: [Node] { [out] }

    public func forward(_ w: Workspace) {
        let o = w.value(out)
        for i in 0..<sources.count { o[i] = w.values[sources[i]] }
    }

    public func backward(_ w: Workspace) {
        let o = w.adjoint(out)
        for i in 0..<sources.count { w.adjoints[sources[i]] += o[i] }
    }
}

/// out = constant + Σᵢ weights[i]·v[sources[i]]: a fixed linear form of scattered scalars.
public struct LinearForm: DifferentiableOperation {
    public let sources: [Int]
    public let weights: [Double]
    public let constant: Double
    public let out: Node
    public let sourceNodes: [Node]
    public var inputs: [Node] { sourceNodes }
    public var outputs: [Node] { [out] }

    public func forward(_ w: Workspace) {
        var s = constant
        for i in 0..<sources.count { s += weights[i] * w.values[sources[i]] }
        w.value(out)[0] = s
    }

    public func backward(_ w: Workspace) {
        let g = w.adjoint(out)[0]
        for i in 0..<sources.count { w.adjoints[sources[i]] += weights[i] * g }
    }
}

extension ProgramBuilder {
    /// Elements of several nodes gathered into one, in the order given: `picks` are (node, index).
    public mutating func gather(_ picks: [(Node, Int)]) -> Node {
        let out = node(picks.count)
        append(Gather(sources: picks.map { $0.0.offset + $0.1 }, out: out, sourceNodes: picks.map { $0.0 }))
        return out
    }

    /// Every element of `source` at positions `indices`, `[indices.count]`.
    public mutating func gather(_ source: Node, indices: [Int]) -> Node {
        gather(indices.map { (source, $0) })
    }

    /// constant + Σ weight·element over (node, index, weight) terms, `[1]`.
    public mutating func linearForm(_ terms: [(Node, Int, Double)], constant: Double = 0) -> Node {
        let out = node(1)
        append(LinearForm(sources: terms.map { $0.0.offset + $0.1 }, weights: terms.map(\.2), constant: constant,
                          out: out, sourceNodes: terms.map(\.0)))
        return out
    }
}
