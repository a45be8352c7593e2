/// Operations on a node read as a matrix `[rows, length]`, row-major (for a model:
/// `[channel, period]` or `[geo·channel, period]`).

/// out[r] = Σₜ x[r, t].
public struct RowSum: DifferentiableOperation {
    public let x: Node, out: Node
    public let length: Int
    public var inputs: [Node] { [x] }
    public var outputs: [Node] { [out] }

    public func forward(_ w: Workspace) {
        let x = w.value(self.x), o = w.value(out)
        for r in 0..<out.count { o[r] = VectorKernels.sum(x + r * length, count: length) }
    }

    public func backward(_ w: Workspace) {
        let xBar = w.adjoint(x), g = w.adjoint(out)
        for r in 0..<out.count {
            let row = xBar + r * length, gr = g[r]
            for t in 0..<length { row[t] += gr }
        }
    }
}

/// out[r, t] = scale[rowScale[r]]·x[r, t]: each row times its own coefficient.
public struct ScaleRows: DifferentiableOperation {
    public let scale: Node, x: Node, out: Node
    /// Which element of `scale` each row uses, `[rows]`.
    public let rowScale: [Int]
    public let length: Int
    public var inputs: [Node] { [scale, x] }
    public var outputs: [Node] { [out] }

    public func forward(_ w: Workspace) {
        let s = w.value(scale), x = w.value(self.x), o = w.value(out)
        for r in 0..<rowScale.count { VectorKernels.scale(s[rowScale[r]], x + r * length, into: o + r * length, count: length) }
    }

    public func backward(_ w: Workspace) {
        let s = w.value(scale), x = w.value(self.x), g = w.adjoint(out)
        let sBar = w.adjoint(scale), xBar = w.adjoint(self.x)
        for r in 0..<rowScale.count {
            let gr = g + r * length
            sBar[rowScale[r]] += VectorKernels.dot(gr, x + r * length, count: length)
            VectorKernels.addScaled(s[rowScale[r]], gr, to: xBar + r * length, count: length)
        }
    }
}

/// out[g, t] = base[g, t] + Σ over the rows r of group g of x[r, t]: adds every channel's
/// contribution of a geo into that geo's mean (`rowGroup[r]` is the output row of input row r).
public struct SumRowsInto: DifferentiableOperation {
    public let base: Node, x: Node, out: Node
    public let rowGroup: [Int]
    public let length: Int
    public var inputs: [Node] { [base, x] }
    public var outputs: [Node] { [out] }

    public func forward(_ w: Workspace) {
        let b = w.value(base), x = w.value(self.x), o = w.value(out)
        o.update(from: b, count: out.count)
        for r in 0..<rowGroup.count { VectorKernels.add(x + r * length, to: o + rowGroup[r] * length, count: length) }
    }

    public func backward(_ w: Workspace) {
        let g = w.adjoint(out), bBar = w.adjoint(base), xBar = w.adjoint(x)
        VectorKernels.add(g, to: bBar, count: out.count)
        for r in 0..<rowGroup.count { VectorKernels.add(g + rowGroup[r] * length, to: xBar + r * length, count: length) }
    }
}

/// out[t] = Σₖ coefficients[k]·design[k, t] with a fixed design `[terms, length]`: intercept,
/// trend, seasonality and controls against their coefficients.
public struct FixedDesign: DifferentiableOperation {
    public let design: [Double]
    public let coefficients: Node, out: Node
    public let length: Int
    public var inputs: [Node] { [coefficients] }
    public var outputs: [Node] { [out] }

    public func forward(_ w: Workspace) {
        let c = w.value(coefficients), o = w.value(out)
        design.withUnsafeBufferPointer { d in
            VectorKernels.scale(c[0], d.baseAddress!, into: o, count: length)
            for k in 1..<max(1, coefficients.count) { VectorKernels.addScaled(c[k], d.baseAddress! + k * length, to: o, count: length) }
        }
    }

    public func backward(_ w: Workspace) {
        let g = w.adjoint(out), cBar = w.adjoint(coefficients)
        design.withUnsafeBufferPointer { d in
            for k in 0..<coefficients.count { cBar[k] += VectorKernels.dot(g, d.baseAddress! + k * length, count: length) }
        }
    }
}

extension ProgramBuilder {
    /// Row sums of x read as `[x.count / length, length]`.
    public mutating func rowSum(_ x: Node, length: Int) -> Node {
        let out = node(x.count / length)
        append(RowSum(x: x, out: out, length: length))
        return out
    }

    /// Each row of x times `scale[rowScale[r]]`.
    public mutating func scaleRows(_ x: Node, by scale: Node, rowScale: [Int], length: Int) -> Node {
        precondition(rowScale.count * length == x.count)
        let out = node(x.count)
        append(ScaleRows(scale: scale, x: x, out: out, rowScale: rowScale, length: length))
        return out
    }

    /// base plus the rows of x added into the rows `rowGroup` of base.
    public mutating func sumRows(_ x: Node, into base: Node, rowGroup: [Int], length: Int) -> Node {
        let out = node(base.count)
        append(SumRowsInto(base: base, x: x, out: out, rowGroup: rowGroup, length: length))
        return out
    }

    /// The fixed design `[coefficients.count, length]` times its coefficients, `[length]`.
    public mutating func design(_ design: [Double], coefficients: Node, length: Int) -> Node {
        precondition(design.count == coefficients.count * length)
        let out = node(length)
        append(FixedDesign(design: design, coefficients: coefficients, out: out, length: length))
        return out
    }
}
