import Autodiff

/// out[r, t] = s(a[r, t]; p(r)) over a matrix `[rows, length]` of adstocked spend, row r with the
/// family parameters at element `rowParameter[r]` of each parameter node. Lift tests use it with
/// rows of length 1.
struct SaturationOperation: DifferentiableOperation {
    let family: any SaturationFamily
    let input: Node, out: Node
    let parameters: [Node]
    let rowParameter: [Int]
    let length: Int
    let inputIsVariable: Bool
    /// Saved by the forward pass: ∂s/∂a `[rows, length]` and ∂s/∂p `[rows, K, length]`.
    let dInput: Node, dParameters: Node
    var inputs: [Node] { [input] + parameters }
    var outputs: [Node] { [out] }
    var savedBuffers: [Node] { [dInput, dParameters] }

    func forward(_ w: Workspace) {
        let K = parameters.count
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(K, 1)) { p in
            for r in 0..<rowParameter.count {
                for k in 0..<K { p[k] = w.value(parameters[k])[rowParameter[r]] }
                let offset = r * length
                family.evaluate(w.value(input) + offset, count: length, parameters: p.baseAddress!,
                                value: w.value(out) + offset, dInput: w.value(dInput) + offset,
                                dParameters: w.value(dParameters) + offset * K)
            }
        }
    }

    func backward(_ w: Workspace) {
        let K = parameters.count
        let g = w.adjoint(out), di = w.value(dInput), dp = w.value(dParameters)
        let ab = w.adjoint(input)
        for r in 0..<rowParameter.count {
            let offset = r * length
            let gr = g + offset
            for k in 0..<K {
                w.adjoint(parameters[k])[rowParameter[r]] += VectorKernels.dot(gr, dp + offset * K + k * length, count: length)
            }
            if inputIsVariable { VectorKernels.addProduct(gr, di + offset, to: ab + offset, count: length) }
        }
    }
}

extension ProgramBuilder {
    mutating func saturation(_ family: any SaturationFamily, input: Node, parameters: [Node], rowParameter: [Int],
                             length: Int) -> Node {
        let rows = rowParameter.count
        let out = node(rows * length), dInput = node(rows * length), dParameters = node(rows * max(parameters.count, 1) * length)
        append(SaturationOperation(family: family, input: input, out: out, parameters: parameters, rowParameter: rowParameter,
                                   length: length, inputIsVariable: isVariable(input), dInput: dInput, dParameters: dParameters))
        return out
    }
}
