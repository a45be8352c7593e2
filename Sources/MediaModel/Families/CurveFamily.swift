import Autodiff

/// One parameter of a curve family, per channel: how it is named in the draws file, where it
/// lives, which key overrides its prior in a scenario, and its default prior.
public struct FamilyParameter: Sendable, Equatable {
    /// Stem of the name in `draws.csv`: `adstock_alpha` becomes `adstock_alpha.1`, `.2`, …
    public var name: String
    public var support: Support
    /// Key under `model.priors.<channel>` that replaces the default prior.
    public var priorKey: String
    public var defaultPrior: Prior
    /// Where chains start (constrained value); nil starts at the prior's centre.
    public var start: Double?

    public init(name: String, support: Support, priorKey: String, defaultPrior: Prior, start: Double? = nil) {
        self.name = name; self.support = support; self.priorKey = priorKey; self.defaultPrior = defaultPrior; self.start = start
    }
}

/// What a family may read about a channel's data to choose its default priors.
public struct ChannelContext: Sendable {
    /// Median of the channel's positive weekly spends divided by its largest (0…1].
    public var medianScaledSpend: Double
    /// Carryover length L in periods.
    public var maxLag: Int

    /// A context for questions that do not depend on the data: a family's parameter names,
    /// count and prior keys.
    public static let neutral = ChannelContext(medianScaledSpend: 0.5, maxLag: 8)
}

/// A carryover shape: unnormalized weights w̃ₗ for lags l = 0…L−1 from a few parameters.
///
/// The model normalizes the weights (a constant weekly spend adstocks to itself), so a family only
/// states the shape and its partial derivatives; everything else (the convolution, its adjoint, the
/// plan's carry) is shared.
public protocol AdstockFamily: Sendable {
    /// Scenario name (`model.adstock.type`).
    var name: String { get }
    func parameters(_ context: ChannelContext) -> [FamilyParameter]
    /// Writes w̃ₗ into `weights` (`[maxLag]`) and ∂w̃ₗ/∂pₖ into `partials` (`[K, maxLag]`) for the
    /// constrained parameters `p` (`[K]`).
    func weights(_ p: UnsafePointer<Double>, maxLag: Int, into weights: UnsafeMutablePointer<Double>,
                 partials: UnsafeMutablePointer<Double>)
}

/// A diminishing-returns curve s(a; p) of adstocked weekly spend a (in units of the channel's
/// largest weekly spend), with s(0) = 0; the model multiplies it by the channel's effect β.
public protocol SaturationFamily: Sendable {
    /// Scenario name (`model.saturation`).
    var name: String { get }
    func parameters(_ context: ChannelContext) -> [FamilyParameter]
    /// Over `count` inputs a ≥ 0 sharing the constrained parameters `p` (`[K]`): s(a) into
    /// `value`, ∂s/∂a into `dInput`, and ∂s/∂pₖ into `dParameters` (`[K, count]`).
    func evaluate(_ a: UnsafePointer<Double>, count: Int, parameters p: UnsafePointer<Double>,
                  value: UnsafeMutablePointer<Double>, dInput: UnsafeMutablePointer<Double>,
                  dParameters: UnsafeMutablePointer<Double>)
    /// The planning kernel for flat flights over many draws (see `FlightResponse`). The default
    /// evaluates the curve itself; a family may supply an algebraically equal, faster one.
    func flightResponse(_ carry: FlightCarry, parameters: [Double]) -> any FlightResponse
}

extension SaturationFamily {
    public func flightResponse(_ carry: FlightCarry, parameters: [Double]) -> any FlightResponse {
        GenericFlightResponse(family: self, carry: carry, parameters: parameters)
    }

    /// s(a) at a few inputs (allocates; for reports and tests).
    public func values(at inputs: [Double], parameters p: [Double]) -> [Double] {
        var value = [Double](repeating: 0, count: inputs.count), dInput = value
        var dParameters = [Double](repeating: 0, count: inputs.count * max(p.count, 1))
        inputs.withUnsafeBufferPointer { a in
            p.withUnsafeBufferPointer { pp in
                evaluate(a.baseAddress!, count: inputs.count, parameters: pp.baseAddress!, value: &value,
                         dInput: &dInput, dParameters: &dParameters)
            }
        }
        return value
    }
}

extension AdstockFamily {
    /// Unnormalized weights w̃ₗ for constrained parameters `p`, `[maxLag]`.
    public func rawWeights(_ p: [Double], maxLag: Int) -> [Double] {
        var w = [Double](repeating: 0, count: maxLag)
        var partials = [Double](repeating: 0, count: maxLag * max(p.count, 1))
        p.withUnsafeBufferPointer { weights($0.baseAddress!, maxLag: maxLag, into: &w, partials: &partials) }
        return w
    }

    /// Normalized weights wₗ = w̃ₗ/Σw̃, `[maxLag]`.
    public func normalizedWeights(_ p: [Double], maxLag: Int) -> [Double] {
        let w = rawWeights(p, maxLag: maxLag)
        let total = w.reduce(0, +)
        return w.map { $0 / total }
    }
}
