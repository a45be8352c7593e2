import Autodiff
import Foundation
import Sampling

/// The national weekly media-mix model as a log posterior over unconstrained parameters:
///
///     y_t = intercept + trend·τ_t + Σ Fourier_k(t)·φ_k + Σ_j γ_j·z_{j,t}
///           + Σ_c β_c · saturation_c(adstock_c(x_c))_t + ε_t
///
/// Internally the target is divided by max|y|, each channel's spend by its maximum and each
/// control by its maximum magnitude, and time runs from −½ to ½; every quantity reported outside
/// (`decompose`) is back in the data's units. Media effects are kept positive by their priors
/// (β ≥ 0, or a log-normal ROAS prior).
///
/// The model is written once, as a forward program (`ModelProgram`); the gradient for the sampler,
/// the decomposition, the response curves, the lift-test answers and the pointwise
/// log-likelihood all run that one program.
public struct MediaMixModel: LogDensity {
    public let specification: ModelSpecification
    public let data: Dataset
    /// The sampled parameters, in the order of the unconstrained vector.
    public let parameters: [ModelParameter]
    public var dimension: Int { parameters.count }

    /// The prior this model put on channel `c`'s ROAS over the data period, which national
    /// models sample directly (so it is exactly `Posterior.roas(channel:)`'s quantity). Nil for
    /// geo models, whose national ROAS is a spend-weighted mix of geo ROAS with priors of their
    /// own, and for a channel whose prior is on β.
    public func roasPrior(channel c: Int) -> Prior? {
        guard geoCount <= 1, channelIndex.indices.contains(c) else { return nil }
        let prior = parameters[channelIndex[c].effect].prior
        if case .logNormal = prior { return prior }
        return nil
    }

    let program: Program
    let nodes: ModelNodes
    let periods: Int
    let yScale: Double
    let y: [Double]             // [T] scaled target
    let xScale: [Double]        // [C]
    let spendTotal: [Double]    // [C] original units
    /// Where each channel's parameters sit in the unconstrained vector.
    let channelIndex: [ChannelIndex]
    let levelIndex: Int
    let sigmaIndex: Int
    /// Where each curve-family parameter's chains start (constrained), from its family; nil
    /// elsewhere, `[dimension]`.
    let familyStarts: [Double?]
    /// Geos G (1 for national data).
    public let geoCount: Int
    /// The (geo, channel) pairs the media blocks run over, `[rows]`: one per channel for national
    /// data, one per pair with spend for geo data.
    public let rows: [ModelRow]
    /// Each geo's size share s_g (Σ = 1), `[geos]`.
    public let geoShare: [Double]
    /// Where a geo model's chains start (unconstrained, `[dimension]`); nil for national data.
    let geoCentre: [Double]?
    /// The smooth functions of time behind `model.time_varying`; nil when nothing varies.
    public let timeBasis: TimeBasis?
    /// Each varying channel's parameters, in data order of the channels.
    let effectivenessIndex: [EffectivenessIndex]
    /// Whether any channel's effect varies over time (`model.time_varying.media`).
    public var hasTimeVaryingMedia: Bool { !effectivenessIndex.isEmpty }
    /// The baseline drift's coefficients (unit normals scaled by `TimeVariation.interceptDriftSD`), when the intercept varies.
    let interceptDriftIndex: [Int]?

    /// Where one varying channel's multiplier coefficients sit: unit normals on the yearly
    /// terms of `TimeBasis`, scaled by `TimeVariation.mediaYearlySD`.
    struct EffectivenessIndex: Sendable {
        var channel: Int
        var z: [Int]
    }

    struct ChannelIndex: Sendable {
        /// log ROAS over the data period (the sampled coordinate).
        var effect: Int
        var adstock: [Int]
        var saturation: [Int]
    }

    /// - Throws: `ModelError` when the specification and the data do not fit together.
    public init(data: Dataset, specification: ModelSpecification = ModelSpecification()) throws {
        self.data = data
        self.specification = specification
        if data.isGeo {
            if specification.timeVariation.isActive {
                throw ModelError.invalid("model.time_varying: time-varying effects are not available for geo data yet; fit the national totals, or drop the key")
            }
            timeBasis = nil; effectivenessIndex = []; interceptDriftIndex = nil
            guard specification.maxLag >= 1 else { throw ModelError.invalid("model.adstock.max_lag must be at least 1") }
            let geo = try GeoModelParts(data: data, specification: specification)
            periods = data.periods
            yScale = geo.yScale; y = geo.y; xScale = geo.xScale; spendTotal = data.totalSpend
            parameters = geo.parameters; channelIndex = geo.channelIndex; levelIndex = geo.levelIndex
            sigmaIndex = geo.sigmaIndex; familyStarts = geo.familyStarts
            geoCount = data.geoCount; rows = geo.rows; geoShare = geo.share; geoCentre = geo.centre
            program = geo.program; nodes = geo.nodes
            return
        }
        geoCount = 1
        rows = data.channels.indices.map { ModelRow(geo: 0, channel: $0) }
        geoShare = [1]
        geoCentre = nil
        let T = data.periods, C = data.channels.count, K = data.controlNames.count
        periods = T
        guard specification.maxLag >= 1 else { throw ModelError.invalid("model.adstock.max_lag must be at least 1") }
        guard specification.seasonality.order >= 0, specification.seasonality.period > 1 else {
            throw ModelError.invalid("model.seasonality needs order ≥ 0 and period > 1")
        }

        let targetScale = positiveScale(data.target)
        let spendScale = data.spend.map(positiveScale)
        let controlScale = data.controls.map(positiveScale)
        yScale = targetScale
        y = data.target.map { $0 / targetScale }
        xScale = spendScale
        let x = zip(data.spend, spendScale).flatMap { series, scale in series.map { $0 / scale } }
        let z = zip(data.controls, controlScale).map { series, scale in series.map { $0 / scale } }
        // Centred time: a trend from −½ to ½ does not trade off against the intercept.
        let time = (0..<T).map { T > 1 ? Double($0) / Double(T - 1) - 0.5 : 0 }
        let order = specification.seasonality.order
        let period = specification.seasonality.period
        var fourier: [[Double]] = []
        for k in 1...max(order, 1) where order > 0 {
            let w = 2 * Double.pi * Double(k) / period
            fourier.append((0..<T).map { sin(w * Double($0)) })
            fourier.append((0..<T).map { cos(w * Double($0)) })
        }
        let totals = data.totalSpend
        spendTotal = totals
        let liftTests = try specification.liftTests.enumerated().map { i, test in
            try ScaledLiftTest(test, number: i + 1, channels: data.channels, spendScale: spendScale, targetScale: targetScale)
        }

        // Parameters and their priors, in the order of the draws file.
        let priors = specification.priors
        var params: [ModelParameter] = []
        var starts: [Int: Double] = [:]
        func add(_ name: String, _ support: Support, _ prior: Prior) -> Int {
            params.append(ModelParameter(name: name, support: support, prior: prior))
            return params.count - 1
        }
        func prior(_ key: String, _ fallback: Prior) -> Prior { priors.global[key] ?? fallback }
        // The sampled coordinate is the mean fitted level; the intercept (which carries the
        // prior) is derived from it by subtracting the channels' and controls' mean contributions,
        // so the data's sharp information about the level does not bend into a ridge between the
        // intercept and every ROAS.
        levelIndex = add("level", .real, .flat)
        let interceptPrior = prior("intercept", .normal(mean: 0, sd: 2))
        let trendIndex = specification.trend == .linear ? add("trend", .real, prior("trend", .normal(mean: 0, sd: 1))) : nil
        let seasonIndices = (0..<(2 * order)).map { add("season.\($0 + 1)", .real, prior("seasonality", .normal(mean: 0, sd: 0.5))) }
        let controlIndices = (0..<K).map { add("gamma.\($0 + 1)", .real, prior("controls", .normal(mean: 0, sd: 1))) }

        let totalShare = totals.reduce(0, +)
        // At one prior sd, all channels together would add twice the mean target: loose, but it
        // keeps media from absorbing the baseline.
        let meanTarget = max(abs(data.target.reduce(0, +) / Double(max(T, 1))) / targetScale, 1e-3)
        let adstockFamily = specification.adstock.family, saturationFamily = specification.saturation.family
        var channels: [ChannelIndex] = []
        var betaPriors: [Prior?] = []
        for (c, name) in data.channels.enumerated() {
            let own = priors.channel[name] ?? [:]
            let i = c + 1
            // Media effects scale with the channel's share of spend, so a small channel cannot be
            // handed an absurd ROAS by a flat prior.
            let share = totalShare > 0 ? totals[c] / totalShare : 1 / Double(C)
            // Every channel is sampled by its ROAS over the data period, which the data pin down
            // almost independently of the curve's shape; β = ROAS·spend/(yScale·Σs) follows. Without
            // a ROAS belief the prior stays on β (carried over with its Jacobian in the density).
            let effect: Int
            // The channel's stated ROAS prior, else the specification's default media prior.
            if let roasPrior = specification.roasPrior(channel: name, data: data) {
                effect = add("roas.\(i)", .positive, roasPrior)
                betaPriors.append(nil)
            } else {
                effect = add("roas.\(i)", .positive, .flat)
                betaPriors.append(own["beta"] ?? .halfNormal(sd: share * meanTarget))
            }
            let positive = data.spend[c].filter { $0 > 0 }.map { $0 / spendScale[c] }.sorted()
            let context = ChannelContext(medianScaledSpend: positive.isEmpty ? 0.5 : positive[positive.count / 2],
                                         maxLag: specification.maxLag)
            let familyParameters = adstockFamily.parameters(context) + saturationFamily.parameters(context)
            let indices = familyParameters.map { add("\($0.name).\(i)", $0.support, own[$0.priorKey] ?? $0.defaultPrior) }
            for (k, parameter) in familyParameters.enumerated() { starts[indices[k]] = parameter.start }
            let adstockCount = familyParameters.count - saturationFamily.parameters(context).count
            let adstock = Array(indices.prefix(adstockCount)), saturation = Array(indices.dropFirst(adstockCount))
            channels.append(ChannelIndex(effect: effect, adstock: adstock, saturation: saturation))
        }
        // Time-varying effects: per varying channel the yearly terms' coefficients, unit normals
        // with the prior scale fixed in the design (a periodic Gaussian process with fixed
        // hyperparameters is a regression on its basis: no funnel). A learned amplitude gave up to
        // 21 divergences per 1000 draws; a drift on top made the future's multiplier wander and
        // the plans earn less under the truth (README, "Time-varying effects").
        let variation = specification.timeVariation
        if case .channels(let names) = variation.media, let unknown = names.first(where: { !data.channels.contains($0) }) {
            throw ModelError.invalid("model.time_varying.media: '\(unknown)' is not a channel (channels are \(data.channels.joined(separator: ", ")))")
        }
        // A yearly pattern needs a year to be seen whole; shorter data would leave the plan's
        // season to the prior alone.
        if variation.media != .none, Double(T) < period {
            throw ModelError.invalid("model.time_varying.media needs at least a year of data to learn a yearly pattern (\(Int(period.rounded(.up))) periods); the data have \(T)")
        }
        let basis = variation.isActive ? TimeBasis(periods: T, yearLength: period, seasonalOrder: 2) : nil
        var effectiveness: [EffectivenessIndex] = []
        if let basis {
            for c in variation.mediaChannels(data.channels) {
                let z = (0..<basis.seasonalTermCount).map { add("effect_z.\(c + 1).\($0 + 1)", .real, .normal(mean: 0, sd: 1)) }
                effectiveness.append(EffectivenessIndex(channel: c, z: z))
            }
        }
        var interceptDrift: [Int]?
        if let basis, variation.intercept {
            interceptDrift = (0..<basis.driftCount).map { add("baseline_drift_z.\($0 + 1)", .real, .normal(mean: 0, sd: 1)) }
        }
        timeBasis = basis
        effectivenessIndex = effectiveness
        interceptDriftIndex = interceptDrift
        sigmaIndex = add("sigma", .positive, prior("sigma", .halfNormal(sd: 1)))
        for p in params {
            if let why = p.prior.problem { throw ModelError.invalid("prior of \(p.name): \(why)") }
            if case .interval = p.support { continue }
            if p.prior != .flat, p.support != p.prior.support, !(p.support == .positive && p.prior.support == .real) {
                throw ModelError.invalid("prior \(p.prior) of \(p.name) does not match its support")
            }
        }
        parameters = params
        channelIndex = channels
        familyStarts = params.indices.map { starts[$0] }

        // The forward program.
        var design: [[Double]] = [Array(repeating: 1, count: T)]
        if trendIndex != nil { design.append(time) }
        design += fourier + z
        if let basis, interceptDrift != nil {
            let drift = basis.design(0..<T, seasonal: false)
            let sd = TimeVariation.interceptDriftSD
            design += (0..<basis.driftCount).map { k in drift[(k * T)..<((k + 1) * T)].map { sd * $0 } }
        }
        let setup = ModelProgram.Setup(
            parameters: params, levelIndex: levelIndex, trendIndex: trendIndex, seasonIndices: seasonIndices,
            controlIndices: controlIndices, channels: channels, sigmaIndex: sigmaIndex,
            interceptPrior: interceptPrior, betaPriors: betaPriors, design: design.flatMap { $0 },
            meanContributionPerROAS: totals.map { $0 / (targetScale * Double(max(T, 1))) },
            controlMeans: z.map { $0.reduce(0, +) / Double(max(T, 1)) },
            spend: x, effectScale: totals.map { $0 / targetScale }, target: y, periods: T,
            adstock: adstockFamily, saturation: saturationFamily, maxLag: specification.maxLag,
            likelihood: specification.likelihood, liftTests: liftTests,
            effectiveness: effectiveness.map { ($0.channel, $0.z) },
            effectivenessDesign: basis.map { TimeVariation.scaledDesign($0, periods: 0..<T) } ?? [],
            interceptDrift: interceptDrift)
        (program, nodes) = ModelProgram.build(setup)
    }

    /// Starting points near the prior's centre with uniform jitter (as PyMC's
    /// `jitter+adapt_diag`): the level at the mean target, every channel at a ROAS that
    /// would explain a quarter of the target, curve shapes where their families start, noise at
    /// half the target's spread. `[chains][dimension]`.
    public func initialPoints(chains: Int, seed: UInt64) -> [[Double]] {
        if let geoCentre { return jittered(geoCentre, chains: chains, seed: seed) }
        let T = Double(periods)
        let meanY = y.reduce(0, +) / T
        let sdY = (y.reduce(0) { $0 + ($1 - meanY) * ($1 - meanY) } / T).squareRoot()
        let roas = max(0.25 * data.target.reduce(0, +) / max(spendTotal.reduce(0, +), .leastNormalMagnitude), 1e-6)
        var centre = [Double](repeating: 0, count: dimension)
        centre[levelIndex] = meanY
        for ch in channelIndex {
            centre[ch.effect] = log(roas)
            for i in ch.adstock + ch.saturation {
                centre[i] = familyStarts[i].map { parameters[i].support.unconstrain($0) } ?? parameters[i].prior.centre
            }
        }
        centre[sigmaIndex] = log(max(sdY / 2, 1e-6))
        return jittered(centre, chains: chains, seed: seed)
    }

    private func jittered(_ centre: [Double], chains: Int, seed: UInt64) -> [[Double]] {
        (0..<chains).map { chain in
            var rng = SeededGenerator(seed: seed, stream: 1000 + UInt64(chain))
            return centre.map { $0 + (2 * rng.uniform() - 1) * 0.5 }
        }
    }

    // MARK: - Log density

    /// The log posterior and its gradient (allocates a workspace per call; samplers use
    /// `forChain()`, which keeps one).
    public func logDensity(at theta: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        program.valueAndGradient(at: theta, gradient: gradient, in: program.makeWorkspace())
    }

    public func forChain() -> any LogDensity { ChainDensity(program: program) }

    /// Runs the forward program at `theta` (`[dimension]`) in a workspace of the caller's.
    func run(_ theta: [Double], in workspace: Workspace) { program.forward(theta, in: workspace) }

    func makeWorkspace() -> Workspace { program.makeWorkspace() }
}

/// The model's density for one chain: the program with a workspace of its own, so a gradient
/// allocates nothing.
final class ChainDensity: LogDensity, @unchecked Sendable {
    let program: Program
    let workspace: Workspace
    var dimension: Int { program.input.count }

    init(program: Program) {
        self.program = program
        workspace = program.makeWorkspace()
    }

    func logDensity(at x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        program.valueAndGradient(at: x, gradient: gradient, in: workspace)
    }
}

/// The largest magnitude of a series, or 1 for an all-zero series, so scaling never divides by 0.
func positiveScale(_ series: [Double]) -> Double {
    let m = series.reduce(0) { max($0, abs($1)) }
    return m > 0 ? m : 1
}

/// A model specification that cannot be built for the data.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let why): why }
    }
}

extension MediaMixModel {
    /// Each program operation's cost at the first chain's starting point (for benchmarks).
    public func profileOperations(calls: Int, clock: () -> Double) -> [(name: String, forward: Double, backward: Double)] {
        program.profile(at: initialPoints(chains: 1, seed: 1)[0], calls: calls, clock: clock)
    }
}
