/// Elementwise arithmetic of two nodes of the same length, or of a node and a scalar node
/// (`[1]`), which is broadcast.
public struct Elementwise: DifferentiableOperation {
    public enum Kind: Sendable { case add, subtract, multiply, divide }
    public let kind: Kind
    public let a: Node, b: Node, out: Node
    public var inputs: [Node] { [a, b] }
    public var outputs: [Node] { [out] }

    public func forward(_ w: Workspace) {
        let a = w.value(self.a), b = w.value(self.b), o = w.value(out)
        let sa = self.a.count == 1 ? 0 : 1, sb = self.b.count == 1 ? 0 : 1
        for i in 0..<out.count {
            let x = a[i * sa], y = b[i * sb]
            switch kind {
            case .add: o[i] = x + y
            case .subtract: o[i] = x - y
            case .multiply: o[i] = x * y
            case .divide: o[i] = x / y
            }
        }
    }

    public func backward(_ w: Workspace) {
        let a = w.value(self.a), b = w.value(self.b), g = w.adjoint(out)
        let aBar = w.adjoint(self.a), bBar = w.adjoint(self.b)
        let sa = self.a.count == 1 ? 0 : 1, sb = self.b.count == 1 ? 0 : 1
        for i in 0..<out.count {
            let x = a[i * sa], y = b[i * sb]
            switch kind {
            case .add: aBar[i * sa] += g[i]; bBar[i * sb] += g[i]
            case .subtract: aBar[i * sa] += g[i]; bBar[i * sb] -= g[i]
            case .multiply: aBar[i * sa] += g[i] * y; bBar[i * sb] += g[i] * x
            case .divide: aBar[i * sa] += g[i] / y; bBar[i * sb] -= g[i] * x / (y * y)
            }
        }
    }
}

/// out = Σ of every element of every input: adds up the terms of a log density.
public struct Total: DifferentiableOperation {
    public let terms: [Node]
    public let out: Node
    public var inputs: [Node] { terms }
    public var outputs: [Node] { [out] }

    public func forward(_ w: Workspace) {
        var s = 0.0
        for t in terms { let v = w.value(t); for i in 0..<t.count { s += v[i] } }
        w.value(out)[0] = s
    }

    public func backward(_ w: Workspace) {
        let g = w.adjoint(out)[0]
        for t in terms { let a = w.adjoint(t); for i in 0..<t.count { a[i] += g } }
    }
}

/// out = loc + scale·z elementwise (loc and scale may be `[1]`): the non-centred form of a
/// hierarchy, where z are standard normal and the geometry stays the same whatever the scale.
public struct LocationScale: DifferentiableOperation {
    public let loc: Node, scale: Node, z: Node, out: Node
    public var inputs: [Node] { [loc, scale, z] }
    public var outputs: [Node] { [out] }

    public func forward(_ w: Workspace) {
        let l = w.value(loc), s = w.value(scale), z = w.value(self.z), o = w.value(out)
        let sl = loc.count == 1 ? 0 : 1, ss = scale.count == 1 ? 0 : 1
        for i in 0..<out.count { o[i] = l[i * sl] + s[i * ss] * z[i] }
    }

    public func backward(_ w: Workspace) {
        let s = w.value(scale), z = w.value(self.z), g = w.adjoint(out)
        let lBar = w.adjoint(loc), sBar = w.adjoint(scale), zBar = w.adjoint(self.z)
        let sl = loc.count == 1 ? 0 : 1, ss = scale.count == 1 ? 0 : 1
        for i in 0..<out.count {
            lBar[i * sl] += g[i]
            sBar[i * ss] += g[i] * z[i]
            zBar[i] += g[i] * s[i * ss]
        }
    }
}

extension ProgramBuilder {
    public mutating func elementwise(_ kind: Elementwise.Kind, _ a: Node, _ b: Node) -> Node {
        precondition(a.count == b.count || a.count == 1 || b.count == 1, "lengths \(a.count) and \(b.count)")
        let out = node(max(a.count, b.count))
        append(Elementwise(kind: kind, a: a, b: b, out: out))
        return out
    }
    public mutating func add(_ a: Node, _ b: Node) -> Node { elementwise(.add, a, b) }
    public mutating func subtract(_ a: Node, _ b: Node) -> Node { elementwise(.subtract, a, b) }
    public mutating func multiply(_ a: Node, _ b: Node) -> Node { elementwise(.multiply, a, b) }
    public mutating func divide(_ a: Node, _ b: Node) -> Node { elementwise(.divide, a, b) }

    /// Σ of all elements of all terms, `[1]`.
    public mutating func total(_ terms: [Node]) -> Node {
        let out = node(1)
        append(Total(terms: terms, out: out))
        return out
    }

    /// loc + scale·z.
    public mutating func locationScale(loc: Node, scale: Node, z: Node) -> Node {
        let out = node(z.count)
        append(LocationScale(loc: loc, scale: scale, z: z, out: out))
        return out
    }
}
