import MediaModel

/// How tables label a return on spend for each kind of target.
extension TargetKind {
    /// Column label of target ÷ spend: a ROAS for revenue; units per unit of spend otherwise
    /// (no break-even at 1).
    public var returnLabel: String { self == .revenue ? "ROAS" : "per unit of spend" }
    /// Column label of d target ÷ d spend.
    public var marginalLabel: String { self == .revenue ? "mROAS" : "marginal per unit of spend" }
    /// Column label of the target in tables.
    public var targetLabel: String { self == .revenue ? "revenue" : "units" }
}
