import Foundation
import MediaModel
import Sampling

/// What was done in a geo experiment: one channel's spend changed in some geos for some periods.
public struct GeoExperimentDesign: Sendable, Equatable {
    /// Index of the channel in the dataset.
    public var channel: Int
    /// Indices of the treated geos (the others are the controls).
    public var treated: [Int]
    /// Periods during which the treated geos' spend was changed.
    public var window: Range<Int>
    /// Periods after the window that are still measured, to catch the change's carryover
    /// (default 0: the carryover after the window is ignored, which understates a long-lived
    /// channel's effect).
    public var cooldown: Int
    /// First period of the pre-period (default 0); the pre-period runs to the window's start.
    public var preStart: Int

    public init(channel: Int, treated: [Int], window: Range<Int>, cooldown: Int = 0, preStart: Int = 0) {
        self.channel = channel; self.treated = treated; self.window = window
        self.cooldown = cooldown; self.preStart = preStart
    }

    /// Periods whose effect is measured: the window and the cooldown after it.
    public var measured: Range<Int> { window.lowerBound..<(window.upperBound + cooldown) }
    /// Periods the counterfactual is fitted on.
    public var pre: Range<Int> { preStart..<window.lowerBound }
}

/// A measured geo experiment: the treated geos' target against its synthetic-control
/// counterfactual, the incremental target and spend, the incremental ROAS, and the pre-period
/// fit check. All amounts are in the data's units and summed over the treated geos.
public struct LiftAnalysis: Sendable {
    public let design: GeoExperimentDesign
    /// Periods reported: the pre-period, the window and the cooldown.
    public let periods: Range<Int>
    /// The treated geos' summed target, `[periods.count]`.
    public let actual: [Double]
    /// The counterfactual's posterior predictive (noise included) per period, `[periods.count]`.
    public let counterfactual: [Band]
    /// Actual − counterfactual mean per period, `[periods.count]` (pre-period: the fit's residual).
    public let effectMean: [Double]
    /// The incremental target over the measured periods, per draw, `[draws]`.
    public let effect: [Double]
    /// The treated geos' actual spend on the channel over the window.
    public let spend: Double
    /// What they would have spent without the test (see `counterfactualSpend(...)`).
    public let counterfactualSpend: Double
    /// The treated geos' share of the channel: population share when the data give populations,
    /// else their share of the channel's spend over the pre-period (see `shareFromPopulation`).
    public let treatedShare: Double
    public let shareFromPopulation: Bool
    /// Pre-period fit: MAPE of the posterior-mean counterfactual (a fraction), and the periods
    /// whose actual lies inside the central `interval` band.
    public let preMAPE: Double
    public let preCovered: Int
    public let interval: Double
    public let maxRHat: Double, minBulkESS: Double, divergences: Int
    /// Leapfrog steps of all chains' kept draws (for the bench's cost per draw).
    public let totalLeapfrogSteps: Int
    /// Mean weight of each control geo (scaled units), `[controls]`, and the controls' indices.
    public let controls: [Int]
    public let controlWeights: [Double]

    public var incrementalSpend: Double { spend - counterfactualSpend }
    /// Whether the spend moved enough to read a return off the test: by more than 5% of what
    /// would have been spent (or from nothing). Smaller gaps are within what week-to-week geo
    /// spend varies by, and a ROAS over them would divide by noise.
    public var spendChanged: Bool {
        abs(incrementalSpend) > 0.05 * abs(counterfactualSpend) && incrementalSpend != 0
    }
    /// Incremental target ÷ incremental spend per draw, `[draws]`; nil when the spend did not change.
    public var roas: [Double]? { spendChanged ? effect.map { $0 / incrementalSpend } : nil }
    /// Share of draws with a positive incremental target.
    public var probabilityPositive: Double { Double(effect.count { $0 > 0 }) / Double(max(effect.count, 1)) }
    /// Share of draws in which the target moved the way the spend did (the channel works): for a
    /// spend increase P(effect > 0), for a cut P(effect < 0).
    public var probabilityChannelWorks: Double {
        incrementalSpend >= 0 ? probabilityPositive : Double(effect.count { $0 < 0 }) / Double(max(effect.count, 1))
    }
    public var prePeriods: Int { design.pre.count }

    /// Fits the counterfactual over the pre-period and measures the experiment.
    ///
    /// - Parameters:
    ///   - data: geo data (`isGeo`); the target and the channel's spend are read per geo.
    ///   - configuration: the sampler's settings (chains, warmup, draws, seed).
    ///   - interval: the bands' width (default 0.90: p05–p95).
    /// - Throws: `GeoExperimentError` for a design the data cannot carry; `SamplingError`.
    public init(data: Dataset, design: GeoExperimentDesign, configuration: SamplerConfiguration,
                interval: Double = 0.90, progress: (@Sendable (SamplingProgress) -> Void)? = nil) throws {
        let G = data.geoCount, T = data.periods
        let treatedSet = Set(design.treated)
        guard !design.treated.isEmpty, treatedSet.count == design.treated.count,
              design.treated.allSatisfy({ (0..<G).contains($0) }) else {
            throw GeoExperimentError.invalid("the treated geos must be distinct geos of the data")
        }
        let controls = (0..<G).filter { !treatedSet.contains($0) }
        guard !controls.isEmpty else { throw GeoExperimentError.invalid("every geo is treated; a counterfactual needs control geos") }
        guard design.preStart >= 0, design.pre.count >= 2, !design.window.isEmpty, design.measured.upperBound <= T,
              (0..<data.channels.count).contains(design.channel) else {
            throw GeoExperimentError.invalid("the pre-period, window and cooldown must lie inside the data")
        }
        self.design = design
        self.interval = interval
        self.controls = controls
        let treatedTarget = Self.sum(design.treated.map { data.target(geo: $0) }, periods: T)
        let controlTargets = controls.map { data.target(geo: $0) }
        let model = try SyntheticControl(treated: treatedTarget, controls: controlTargets, fit: design.pre,
                                         periodsPerYear: data.cadence.periodsPerYear, configuration: configuration,
                                         progress: progress)
        controlWeights = model.meanWeights
        (maxRHat, minBulkESS, divergences) = model.convergence
        totalLeapfrogSteps = model.sampling.samplingLeapfrogSteps

        let reported = design.preStart..<design.measured.upperBound
        let draws = model.predict(treatedControls: controlTargets, periods: reported, noise: true,
                                  seed: configuration.seed)
        let observed = reported.map { treatedTarget[$0] }
        let bands = reported.indices.map { i in Band(draws.map { $0[i - reported.lowerBound] }, interval: interval) }
        let measuredOffsets = design.measured.map { $0 - reported.lowerBound }
        let preOffsets = design.pre.map { $0 - reported.lowerBound }
        let positives = preOffsets.filter { observed[$0] != 0 }
        periods = reported
        actual = observed
        counterfactual = bands
        effectMean = zip(observed, bands).map { $0 - $1.mean }
        effect = draws.map { row in measuredOffsets.reduce(0) { $0 + observed[$1] - row[$1] } }
        preMAPE = positives.isEmpty ? .nan
            : positives.reduce(0) { $0 + abs(observed[$1] - bands[$1].mean) / abs(observed[$1]) } / Double(positives.count)
        preCovered = preOffsets.count { bands[$0].contains(observed[$0]) }

        let treatedSpend = Self.sum(design.treated.map { data.spend(geo: $0, channel: design.channel) }, periods: T)
        let controlSpend = Self.sum(controls.map { data.spend(geo: $0, channel: design.channel) }, periods: T)
        spend = design.window.reduce(0) { $0 + treatedSpend[$1] }
        counterfactualSpend = Self.counterfactualSpend(treated: treatedSpend, controls: controlSpend, pre: design.pre,
                                                       window: design.window)
        if let population = data.population {
            treatedShare = design.treated.reduce(0) { $0 + population[$1] } / population.reduce(0, +)
            shareFromPopulation = true
        } else {
            let all = design.pre.reduce(0) { $0 + treatedSpend[$1] + controlSpend[$1] }
            let own = design.pre.reduce(0) { $0 + treatedSpend[$1] }
            treatedShare = all > 0 ? own / all : .nan
            shareFromPopulation = false
        }
    }

    /// What the treated geos would have spent over the window without the test: the controls'
    /// spend in the same periods times the treated-to-control ratio of the pre-period, so a
    /// national flighting (more TV in autumn) carries over; their pre-period average per period
    /// when the controls spent nothing before the test.
    static func counterfactualSpend(treated: [Double], controls: [Double], pre: Range<Int>, window: Range<Int>) -> Double {
        let treatedPre = pre.reduce(0) { $0 + treated[$1] }, controlPre = pre.reduce(0) { $0 + controls[$1] }
        let controlWindow = window.reduce(0) { $0 + controls[$1] }
        if controlPre > 0 { return treatedPre / controlPre * controlWindow }
        return treatedPre / Double(max(pre.count, 1)) * Double(window.count)
    }

    static func sum(_ series: [[Double]], periods: Int) -> [Double] {
        var out = [Double](repeating: 0, count: periods)
        for s in series { for t in 0..<periods { out[t] += s[t] } }
        return out
    }

    /// The experiment as a lift test in the national model's units (`model.lift_tests`): weekly,
    /// steady state, national-equivalent. With s = `treatedShare`, x = counterfactual weekly spend
    /// / s, delta_x = weekly spend change / s, delta_y = weekly effect / s and sigma = the weekly
    /// effect's posterior sd / s, where "weekly" divides the totals by the window's length (the
    /// effect over the cooldown is carryover of the window's spend). This is exact when each geo's
    /// response is the national curve scaled by the geo's size (half-saturation scaled too), the
    /// hierarchical model's assumption: the treated geos then respond as s × the national curve at
    /// spend / s. Nil when the spend did not change or the share is unknown.
    public func liftTest(channelName: String) -> LiftTest? {
        guard spendChanged, treatedShare > 0, treatedShare.isFinite else { return nil }
        let weeks = Double(design.window.count), s = treatedShare
        let mean = effect.reduce(0, +) / Double(effect.count)
        let sd = (effect.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(effect.count - 1, 1))).squareRoot()
        return LiftTest(channel: channelName, spend: counterfactualSpend / weeks / s, change: incrementalSpend / weeks / s,
                        lift: mean / weeks / s, standardError: max(sd, 1e-12 * abs(mean) + 1e-12) / weeks / s)
    }
}
