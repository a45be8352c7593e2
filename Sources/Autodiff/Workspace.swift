/// The memory a program runs in: a value and an adjoint per slot. Made once per chain (or per
/// caller) and reused for every evaluation, so a gradient allocates nothing.
public final class Workspace: @unchecked Sendable {
    /// Values, `[size]`.
    public let values: UnsafeMutablePointer<Double>
    /// Adjoints ∂(output)/∂(value), `[size]`.
    public let adjoints: UnsafeMutablePointer<Double>
    public let size: Int

    init(size: Int, constants: [(Node, [Double])]) {
        self.size = size
        values = .allocate(capacity: max(size, 1))
        adjoints = .allocate(capacity: max(size, 1))
        values.initialize(repeating: 0, count: max(size, 1))
        adjoints.initialize(repeating: 0, count: max(size, 1))
        for (node, data) in constants {
            for i in 0..<node.count { values[node.offset + i] = data[i] }
        }
    }

    deinit {
        values.deallocate()
        adjoints.deallocate()
    }

    /// Pointer to a node's values.
    @inline(__always) public func value(_ n: Node) -> UnsafeMutablePointer<Double> { values + n.offset }
    /// Pointer to a node's adjoints.
    @inline(__always) public func adjoint(_ n: Node) -> UnsafeMutablePointer<Double> { adjoints + n.offset }
    /// A node's values as an array (for reading results; allocates).
    public func read(_ n: Node) -> [Double] { Array(UnsafeBufferPointer(start: values + n.offset, count: n.count)) }
    public func read(_ n: Node, _ i: Int) -> Double { values[n.offset + i] }
}
