/// A slot of `count` consecutive doubles in a `Workspace`: one value (or vector) of a program.
///
/// Nodes are plain offsets, so a program can be shared by many chains while each chain owns the
/// memory the offsets point into.
public struct Node: Hashable, Sendable, CustomStringConvertible {
    public let offset: Int
    public let count: Int

    public init(offset: Int, count: Int) { self.offset = offset; self.count = count }

    /// Element i as a node of its own, `[1]`.
    public subscript(i: Int) -> Node {
        precondition(i >= 0 && i < count, "element \(i) of a node of \(count)")
        return Node(offset: offset + i, count: 1)
    }

    /// Elements `range` as a node.
    public func slice(_ range: Range<Int>) -> Node {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        return Node(offset: offset + range.lowerBound, count: range.count)
    }

    /// Workspace offsets of every element, `[count]`.
    public var offsets: [Int] { Array(offset..<(offset + count)) }

    public var description: String { "@\(offset)[\(count)]" }
}
