import Foundation

/// An experiment on one channel: its weekly spend moved from `spend` to `spend + change`, and the
/// target moved by `lift` per week at steady state, measured with standard error
/// `standardError`. With normalized adstock a constant weekly spend adstocks to itself, so the
/// model's answer is β·[s(spend + change) − s(spend)] with no carryover bookkeeping.
///
/// Each test adds a normal likelihood term, lift ~ Normal(model's lift, standardError): the fit is
/// calibrated to what the experiment saw, as in PyMC-Marketing's and Meridian's lift-test priors.
public struct LiftTest: Sendable, Equatable {
    public var channel: String
    /// Weekly spend before the test (currency, ≥ 0).
    public var spend: Double
    /// Change of weekly spend during the test (currency; non-zero, spend + change ≥ 0).
    public var change: Double
    /// Measured change of the weekly target (target units).
    public var lift: Double
    /// Standard error of `lift` (target units, > 0).
    public var standardError: Double

    public init(channel: String, spend: Double, change: Double, lift: Double, standardError: Double) {
        self.channel = channel; self.spend = spend; self.change = change; self.lift = lift; self.standardError = standardError
    }
}

/// A lift test resolved against the model's scales: spends divided by the channel's spend scale,
/// lift and its error divided by the target's scale.
struct ScaledLiftTest: Sendable {
    let channel: Int
    let before: Double
    let after: Double
    let lift: Double
    let standardError: Double
}

/// How a fit answers one lift test.
public struct LiftTestCheck: Sendable {
    public var test: LiftTest
    /// The fitted model's lift for the same move across draws (target units per week).
    public var modelled: Band
    /// (measured − modelled mean) / standard error: how many standard errors apart they are.
    public var standardizedGap: Double { (test.lift - modelled.mean) / test.standardError }
}

extension Posterior {
    /// The fitted model's steady-state weekly lift when channel c's constant weekly spend moves
    /// from `spend` to `spend + change` (currency), per draw, `[draws]`, target units.
    public func lift(channel c: Int, spend: Double, change: Double) -> [Double] {
        let ch = model.index.channels[c]
        let kind = model.specification.saturation
        let before = spend / model.xScale[c], after = (spend + change) / model.xScale[c]
        return zip(unconstrainedDraws, draws).map { theta, draw in
            let first = exp(theta[ch.first]), second = ch.second.map { exp(theta[$0]) } ?? 0
            let gain = saturation(kind, after, first: first, second: second).value - saturation(kind, before, first: first, second: second).value
            return draw.beta[c] * gain
        }
    }

    /// Each lift test of the specification against the fitted model's answer, `[lift tests]`.
    public func liftTestChecks(interval: Double = 0.90) -> [LiftTestCheck] {
        model.specification.liftTests.map { test in
            let c = model.data.channels.firstIndex(of: test.channel)!
            return LiftTestCheck(test: test, modelled: Band(lift(channel: c, spend: test.spend, change: test.change), interval: interval))
        }
    }
}
