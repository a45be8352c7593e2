/// out[r, t] = Σₖ coefficients[r, k]·design[r, k, t]: a fixed design per row (per geo: its own
/// controls, the shared trend and Fourier terms) against that row's own coefficients.
///
/// `FixedDesign` is the one-row case; geo models need one baseline per geo, whose coefficients
/// mix shared and per-geo parameters (gathered into `[rows, terms]` before this operation).
public struct RowDesign: DifferentiableOperation {
    /// `[rows, terms, length]`, row-major.
    public let design: [Double]
    /// `[rows, terms]`.
    public let coefficients: Node
    /// `[rows, length]`.
    public let out: Node
    public let rows: Int, terms: Int, length: Int
    public var inputs: [Node] { [coefficients] }
    public var outputs: [Node] { [out] }

    public func forward(_ w: Workspace) {
        let c = w.value(coefficients), o = w.value(out)
        design.withUnsafeBufferPointer { d in
            for r in 0..<rows {
                let row = o + r * length, block = d.baseAddress! + r * terms * length
                for t in 0..<length { row[t] = 0 }
                for k in 0..<terms { VectorKernels.addScaled(c[r * terms + k], block + k * length, to: row, count: length) }
            }
        }
    }

    public func backward(_ w: Workspace) {
        let g = w.adjoint(out), cBar = w.adjoint(coefficients)
        design.withUnsafeBufferPointer { d in
            for r in 0..<rows {
                let block = d.baseAddress! + r * terms * length
                for k in 0..<terms { cBar[r * terms + k] += VectorKernels.dot(g + r * length, block + k * length, count: length) }
            }
        }
    }
}

extension ProgramBuilder {
    /// Each row's fixed design `[rows, terms, length]` times that row's coefficients
    /// (`[rows · terms]`), `[rows · length]`.
    public mutating func rowDesign(_ design: [Double], coefficients: Node, rows: Int, length: Int) -> Node {
        precondition(rows > 0 && coefficients.count % rows == 0)
        let terms = coefficients.count / rows
        precondition(design.count == rows * terms * length)
        let out = node(rows * length)
        append(RowDesign(design: design, coefficients: coefficients, out: out, rows: rows, terms: terms, length: length))
        return out
    }
}
