/// Weekly (or other regular) history, in the data's own units. Validated by whoever builds it.
public struct Dataset: Sendable {
    /// Period labels (ISO dates), `[periods]`.
    public var dates: [String]
    public var targetName: String
    /// The target (revenue), `[periods]`.
    public var target: [Double]
    public var channels: [String]
    /// Spend per channel, `[channels][periods]`, in currency.
    public var spend: [[Double]]
    public var controlNames: [String]
    /// Controls, `[controls][periods]`.
    public var controls: [[Double]]

    public init(dates: [String], targetName: String, target: [Double], channels: [String], spend: [[Double]],
                controlNames: [String] = [], controls: [[Double]] = []) {
        self.dates = dates; self.targetName = targetName; self.target = target
        self.channels = channels; self.spend = spend
        self.controlNames = controlNames; self.controls = controls
    }

    public var periods: Int { target.count }

    /// Total spend of each channel over the whole history, `[channels]`.
    public var totalSpend: [Double] { spend.map { $0.reduce(0, +) } }
}
