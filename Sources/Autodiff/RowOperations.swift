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
        for r in 0..<out.count {
            let row = x + r * length
            var s0 = 0.0, s1 = 0.0
            var t = 0
            while t + 1 < length { s0 += row[t]; s1 += row[t + 1]; t += 2 }
            if t < length { s0 += row[t] }
            o[r] = s0 + s1
        }
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
        for r in 0..<rowScale.count {
            let b = s[rowScale[r]], xr = x + r * length, or = o + r * length
            for t in 0..<length { or[t] = b * xr[t] }
        }
    }

    public func backward(_ w: Workspace) {
        let s = w.value(scale), x = w.value(self.x), g = w.adjoint(out)
        let sBar = w.adjoint(scale), xBar = w.adjoint(self.x)
        for r in 0..<rowScale.count {
            let b = s[rowScale[r]], xr = x + r * length, gr = g + r * length, xb = xBar + r * length
            var s0 = 0.0, s1 = 0.0
            var t = 0
            while t + 1 < length {
                s0 += gr[t] * xr[t]; s1 += gr[t + 1] * xr[t + 1]
                xb[t] += b * gr[t]; xb[t + 1] += b * gr[t + 1]
                t += 2
            }
            if t < length { s0 += gr[t] * xr[t]; xb[t] += b * gr[t] }
            sBar[rowScale[r]] += s0 + s1
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
        for i in 0..<out.count { o[i] = b[i] }
        for r in 0..<rowGroup.count {
            let xr = x + r * length, or = o + rowGroup[r] * length
            for t in 0..<length { or[t] += xr[t] }
        }
    }

    public func backward(_ w: Workspace) {
        let g = w.adjoint(out), bBar = w.adjoint(base), xBar = w.adjoint(x)
        for i in 0..<out.count { bBar[i] += g[i] }
        for r in 0..<rowGroup.count {
            let xb = xBar + r * length, gr = g + rowGroup[r] * length
            for t in 0..<length { xb[t] += gr[t] }
        }
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
        for t in 0..<length { o[t] = 0 }
        design.withUnsafeBufferPointer { d in
            for k in 0..<coefficients.count {
                let ck = c[k], row = d.baseAddress! + k * length
                for t in 0..<length { o[t] += ck * row[t] }
            }
        }
    }

    public func backward(_ w: Workspace) {
        let g = w.adjoint(out), cBar = w.adjoint(coefficients)
        design.withUnsafeBufferPointer { d in
            for k in 0..<coefficients.count {
                let row = d.baseAddress! + k * length
                var s0 = 0.0, s1 = 0.0
                var t = 0
                while t + 1 < length { s0 += g[t] * row[t]; s1 += g[t + 1] * row[t + 1]; t += 2 }
                if t < length { s0 += g[t] * row[t] }
                cBar[k] += s0 + s1
            }
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
