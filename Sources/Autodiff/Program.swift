/// A straight-line program over vector nodes, recorded once and run many times: forward for
/// values, then backward through every operation in reverse for the gradient of one scalar output
/// with respect to one input node (reverse-mode automatic differentiation over vector operations).
public struct Program: Sendable {
    /// The input vector (the sampler's unconstrained coordinates), `[inputCount]`.
    public let input: Node
    /// The scalar differentiated by `valueAndGradient`.
    public let output: Node
    public let size: Int
    let operations: [any DifferentiableOperation]
    /// Whether each operation depends on the input (only those run backward).
    let differentiable: [Bool]
    let constants: [(Node, [Double])]
    /// Slots whose adjoints the backward pass reads: cleared before each backward pass, the rest
    /// never is (as consecutive ranges).
    let adjointRanges: [Range<Int>]

    /// Memory for one caller; reuse it for every evaluation.
    public func makeWorkspace() -> Workspace { Workspace(size: size, constants: constants) }

    /// Runs every operation forward from `x` (`[input.count]`).
    public func forward(_ x: UnsafeBufferPointer<Double>, in w: Workspace) {
        precondition(x.count == input.count, "program takes \(input.count) inputs, got \(x.count)")
        let v = w.value(input)
        for i in 0..<input.count { v[i] = x[i] }
        for op in operations { op.forward(w) }
    }

    public func forward(_ x: [Double], in w: Workspace) { x.withUnsafeBufferPointer { forward($0, in: w) } }

    /// The output at `x` and its gradient with respect to the input, written into `gradient`
    /// (`[input.count]`). A non-finite output returns −∞ with the gradient zeroed.
    public func valueAndGradient(at x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>,
                                 in w: Workspace) -> Double {
        forward(x, in: w)
        let value = w.values[output.offset]
        guard value.isFinite else {
            for i in 0..<gradient.count { gradient[i] = 0 }
            return -.infinity
        }
        for range in adjointRanges { (w.adjoints + range.lowerBound).update(repeating: 0, count: range.count) }
        w.adjoints[output.offset] = 1
        var i = operations.count - 1
        while i >= 0 {
            if differentiable[i] { operations[i].backward(w) }
            i -= 1
        }
        let g = w.adjoint(input)
        for i in 0..<input.count { gradient[i] = g[i] }
        return value
    }
}

/// Records a program: allocates nodes, appends operations, and tracks which nodes depend on the
/// input so that the backward pass skips everything fixed.
public struct ProgramBuilder {
    public private(set) var size = 0
    public let input: Node
    private var operations: [any DifferentiableOperation] = []
    private var differentiable: [Bool] = []
    private var constants: [(Node, [Double])] = []
    /// Per slot: depends on the input.
    private var variable: [Bool] = []

    /// - Parameter inputCount: length of the input vector.
    public init(inputCount: Int) {
        input = Node(offset: 0, count: inputCount)
        size = inputCount
        variable = Array(repeating: true, count: inputCount)
    }

    /// A fresh node of `count` slots (zero until written).
    public mutating func node(_ count: Int) -> Node {
        let n = Node(offset: size, count: count)
        size += count
        variable += Array(repeating: false, count: count)
        return n
    }

    /// A node holding fixed data, written once when a workspace is made.
    public mutating func constant(_ data: [Double]) -> Node {
        let n = node(data.count)
        constants.append((n, data))
        return n
    }

    /// Whether any slot of `n` depends on the input.
    public func isVariable(_ n: Node) -> Bool {
        (n.offset..<(n.offset + n.count)).contains { variable[$0] }
    }

    /// Appends an operation; its outputs depend on the input when any of its inputs does.
    public mutating func append(_ op: any DifferentiableOperation) {
        let depends = op.inputs.contains { isVariable($0) }
        operations.append(op)
        differentiable.append(depends)
        if depends { for out in op.outputs { for i in out.offset..<(out.offset + out.count) { variable[i] = true } } }
    }

    /// The finished program, differentiating `output` (a node of one element).
    public func program(output: Node) -> Program {
        precondition(output.count == 1, "the differentiated output must be a scalar")
        var ranges: [Range<Int>] = []
        var start: Int?
        for i in 0...size {
            let v = i < size && variable[i]
            if v, start == nil { start = i }
            if !v, let s = start { ranges.append(s..<i); start = nil }
        }
        return Program(input: input, output: output, size: size, operations: operations,
                       differentiable: differentiable, constants: constants, adjointRanges: ranges)
    }
}

extension Program {
    /// Seconds per call of each operation's forward and backward pass at `x` (for benchmarks).
    public func profile(at x: [Double], calls: Int, clock: () -> Double) -> [(name: String, forward: Double, backward: Double)] {
        let w = makeWorkspace()
        forward(x, in: w)
        return operations.enumerated().map { i, op in
            var t0 = clock()
            for _ in 0..<calls { op.forward(w) }
            let f = (clock() - t0) / Double(calls)
            t0 = clock()
            if differentiable[i] { for _ in 0..<calls { op.backward(w) } }
            let b = (clock() - t0) / Double(calls)
            return ("\(type(of: op))", f, b)
        }
    }
}
