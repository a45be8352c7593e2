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

    /// - Throws: `ModelError` naming the test (`number`, from 1) when it cannot be used.
    init(_ test: LiftTest, number: Int, channels: [String], spendScale: [Double], targetScale: Double) throws {
        let row = "lift test \(number) (\(test.channel))"
        guard let c = channels.firstIndex(of: test.channel) else {
            throw ModelError.invalid("\(row): '\(test.channel)' is not one of the channels \(channels.joined(separator: ", "))")
        }
        guard [test.spend, test.change, test.lift, test.standardError].allSatisfy(\.isFinite) else {
            throw ModelError.invalid("\(row): every value must be a finite number")
        }
        guard test.spend >= 0, test.spend + test.change >= 0 else {
            throw ModelError.invalid("\(row): spend before (\(test.spend)) and during (\(test.spend + test.change)) the test must be ≥ 0")
        }
        guard test.change != 0 else { throw ModelError.invalid("\(row): delta_x is 0, so the test moved nothing") }
        guard test.standardError > 0 else { throw ModelError.invalid("\(row): sigma must be > 0") }
        channel = c
        before = test.spend / spendScale[c]
        after = (test.spend + test.change) / spendScale[c]
        lift = test.lift / targetScale
        standardError = test.standardError / targetScale
    }
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
        let family = model.specification.saturation.family
        let inputs = [spend / model.xScale[c], (spend + change) / model.xScale[c]]
        return zip(saturationParameters(channel: c), draws).map { p, draw in
            let s = family.values(at: inputs, parameters: p)
            return draw.beta[c] * (s[1] - s[0])
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
