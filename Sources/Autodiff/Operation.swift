/// One step of a program: computes its outputs from its inputs, and adds its outputs' adjoints
/// back into its inputs' adjoints.
///
/// Operations hold node offsets and fixed data only, never memory: the workspace passed in is the
/// memory, so one program serves every chain. `backward` must add (never assign) into input
/// adjoints, because a node may feed several operations.
public protocol DifferentiableOperation: Sendable {
    /// Nodes read, for the builder's record of which nodes depend on the parameters.
    var inputs: [Node] { get }
    /// Nodes written whose adjoints flow back.
    var outputs: [Node] { get }
    /// Memory the forward pass fills for the backward pass (derivatives, weights): written but not
    /// differentiated, so the program never clears adjoints there.
    var savedBuffers: [Node] { get }
    func forward(_ w: Workspace)
    func backward(_ w: Workspace)
}

extension DifferentiableOperation {
    public var savedBuffers: [Node] { [] }
}
