/// What the target measures (`data.target_kind`), and so how a return on spend is read.
public enum TargetKind: String, Sendable, CaseIterable {
    /// Currency (the default): target ÷ spend is a ROAS, and 1 is break-even.
    case revenue
    /// Units (orders, sign-ups, visits): target ÷ spend is units per unit of spend, and its
    /// inverse, the cost per unit, is what finance reads. There is no break-even at 1.
    case units

    /// Column label of target ÷ spend.
    public var returnLabel: String { self == .revenue ? "ROAS" : "per unit of spend" }
    /// Column label of d target ÷ d spend.
    public var marginalLabel: String { self == .revenue ? "mROAS" : "marginal per unit of spend" }
    /// Column label of the target in tables.
    public var targetLabel: String { self == .revenue ? "revenue" : "units" }
}
