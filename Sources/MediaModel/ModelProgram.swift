import Autodiff

/// Nodes of the model's program that callers read after a forward pass (scaled units).
struct ModelNodes: Sendable {
    /// The log posterior, `[1]`.
    var logPosterior: Node
    /// Fitted mean, `[geos, periods]` (per-size units for geo models).
    var mean: Node
    /// Each row's contribution, `[rows, periods]` (rows: channels, or (geo, channel) pairs).
    var contributions: Node
    /// Each row's effect β, `[rows]`.
    var beta: Node
    /// Each channel's national-equivalent β, `[channels]` (the same node as `beta` for national data).
    var channelBeta: Node
    /// `[geos]` each.
    var intercept: Node
    var sigma: Node
    /// Each observation's log-likelihood (normalized), `[geos, periods]`.
    var pointwiseLogLikelihood: Node
    /// Unnormalized carry weights `[rows, maxLag]` and their sums `[rows]`.
    var adstockWeights: Node
    var adstockTotals: Node
    /// Each family parameter's constrained values, one node `[channels]` per parameter.
    var adstockParameters: [Node]
    var saturationParameters: [Node]
    /// Time-varying channels' multipliers, `[varying channels, periods]`; nil when none varies.
    var multiplier: Node? = nil
}

/// The media-mix model written once as a forward program over parameter blocks.
enum ModelProgram {
    /// Everything the program is built from, already in the model's scaled units.
    struct Setup {
        var parameters: [ModelParameter]
        var levelIndex: Int
        var trendIndex: Int?
        var seasonIndices: [Int]
        var controlIndices: [Int]
        var channels: [MediaMixModel.ChannelIndex]
        var sigmaIndex: Int
        var interceptPrior: Prior
        /// Per channel, the prior on β when the channel has no ROAS prior.
        var betaPriors: [Prior?]
        /// Fixed design `[terms, periods]`: intercept, trend (if any), Fourier terms, controls.
        var design: [Double]
        /// spend_c/(yScale·T) and the controls' means: the intercept is the level less these.
        var meanContributionPerROAS: [Double]
        var controlMeans: [Double]
        /// Scaled spend `[channels, periods]`; spend_c/yScale `[channels]`; scaled target `[periods]`.
        var spend: [Double]
        var effectScale: [Double]
        var target: [Double]
        var periods: Int
        var adstock: any AdstockFamily
        var saturation: any SaturationFamily
        var maxLag: Int
        var likelihood: Likelihood
        var liftTests: [ScaledLiftTest]
        /// Time-varying channels: the channel and its coefficients (`[terms]`), read against
        /// `effectivenessDesign` `[terms, periods]` (prior scales included).
        var effectiveness: [(channel: Int, z: [Int])] = []
        var effectivenessDesign: [Double] = []
        /// The baseline's drift coefficients; their design rows (scales included) are the last
        /// rows of `design`.
        var interceptDrift: [Int]?
    }

    static func build(_ s: Setup) -> (Program, ModelNodes) {
        let T = s.periods, C = s.channels.count
        var b = ProgramBuilder(inputCount: s.parameters.count)
        var terms: [Node] = []

        let constrained = constrainAll(&b, s.parameters, terms: &terms)
        func block(_ indices: [Int]) -> Node { b.gather(constrained, indices: indices) }
        let level = block([s.levelIndex])
        let trend = s.trendIndex.map { block([$0]) }
        let season = s.seasonIndices.isEmpty ? nil : block(s.seasonIndices)
        let gamma = s.controlIndices.isEmpty ? nil : block(s.controlIndices)
        let roas = block(s.channels.map(\.effect))
        let adstockParameters = (0..<(s.channels.first?.adstock.count ?? 0)).map { k in block(s.channels.map { $0.adstock[k] }) }
        let saturationParameters = (0..<(s.channels.first?.saturation.count ?? 0)).map { k in block(s.channels.map { $0.saturation[k] }) }
        let sigma = block([s.sigmaIndex])

        // Baseline: the intercept derived from the level, then the fixed design.
        var interceptTerms: [(Node, Int, Double)] = [(level, 0, 1)]
        interceptTerms += (0..<C).map { (roas, $0, -s.meanContributionPerROAS[$0]) }
        if let gamma { interceptTerms += (0..<gamma.count).map { (gamma, $0, -s.controlMeans[$0]) } }
        let intercept = b.linearForm(interceptTerms)
        terms.append(b.priorDensity(intercept, priors: [s.interceptPrior]))
        var coefficients: [(Node, Int)] = [(intercept, 0)]
        if let trend { coefficients.append((trend, 0)) }
        if let season { coefficients += (0..<season.count).map { (season, $0) } }
        if let gamma { coefficients += (0..<gamma.count).map { (gamma, $0) } }
        if let drift = s.interceptDrift {
            let z = block(drift)
            coefficients += (0..<drift.count).map { (z, $0) }
        }
        let baseline = b.design(s.design, coefficients: b.gather(coefficients), length: T)

        // Media: carryover, saturation, and β = ROAS·spend/(yScale·Σₜ s).
        let channelRows = Array(0..<C)
        let spend = b.constant(s.spend)
        let (adstocked, weights, weightTotals) = b.adstock(s.adstock, spend: spend, parameters: adstockParameters,
                                                          rowParameter: channelRows, length: T, maxLag: s.maxLag)
        let saturated = b.saturation(s.saturation, input: adstocked, parameters: saturationParameters,
                                     rowParameter: channelRows, length: T)
        // Time-varying channels: s(a) times the channel's mean-1 multiplier exp(f)/mean exp(f).
        var modulated = saturated, multiplier: Node?
        if !s.effectiveness.isEmpty {
            let scaled = block(s.effectiveness.flatMap(\.z))
            let rows = s.effectiveness.count
            let logMultiplier = b.rowDesign(Array((0..<rows).map { _ in s.effectivenessDesign }.joined()), coefficients: scaled,
                                            rows: rows, length: T)
            (modulated, multiplier) = b.effectiveness(saturated, logMultiplier: logMultiplier,
                                                      channelOfRow: s.effectiveness.map(\.channel), length: T)
        }
        let beta = b.divide(b.multiply(roas, b.constant(s.effectScale)), b.rowSum(modulated, length: T))
        let unstated = (0..<C).filter { s.betaPriors[$0] != nil }
        if !unstated.isEmpty {
            // log p(β) + log β: the prior carried to the sampled log ROAS (∂log β/∂log ROAS = 1).
            terms.append(b.priorDensity(b.gather(beta, indices: unstated), priors: unstated.map { s.betaPriors[$0]! },
                                        plusLog: unstated.map { _ in true }))
        }
        let contributions = b.scaleRows(modulated, by: beta, rowScale: channelRows, length: T)
        let mean = b.sumRows(contributions, into: baseline, rowGroup: Array(repeating: 0, count: C), length: T)

        let (logLikelihood, pointwise) = b.likelihood(family(s.likelihood), observed: b.constant(s.target), mean: mean, scale: sigma, pointwise: true)
        terms.append(logLikelihood)

        if !s.liftTests.isEmpty {
            terms.append(liftTestLikelihood(&b, tests: s.liftTests, saturation: s.saturation, parameters: saturationParameters, channelBeta: beta))
        }
        let logPosterior = b.total(terms)
        let nodes = ModelNodes(logPosterior: logPosterior, mean: mean, contributions: contributions, beta: beta,
                               channelBeta: beta, intercept: intercept, sigma: sigma, pointwiseLogLikelihood: pointwise!,
                               adstockWeights: weights, adstockTotals: weightTotals,
                               adstockParameters: adstockParameters, saturationParameters: saturationParameters,
                               multiplier: multiplier)
        return (b.program(output: logPosterior), nodes)
    }

    /// Every sampled coordinate constrained at once, with the log-Jacobian (where a prior is
    /// stated on that scale) and the priors appended to `terms`; blocks are then read out of the
    /// constrained vector. One operation each instead of one per block: the blocks are small and many.
    static func constrainAll(_ b: inout ProgramBuilder, _ ps: [ModelParameter], terms: inout [Node]) -> Node {
        let (constrained, jacobian) = b.constrain(b.input, supports: ps.map(\.support), jacobian: ps.map { $0.prior != .flat })
        terms.append(jacobian)
        terms.append(b.priorDensity(constrained, priors: ps.map(\.prior)))
        return constrained
    }

    /// The likelihood family of the model's specification, as the engine names it.
    static func family(_ likelihood: Likelihood) -> LocationScaleLikelihood.Family {
        switch likelihood {
        case .normal: .normal
        case .studentT(let nu): .studentT(degreesOfFreedom: nu)
        }
    }

    /// Lift tests: Σ log Normal(lift | β_c·(s(after) − s(before)), se), each channel's curve read
    /// at both spends and scaled by its (national-equivalent) β, `channelBeta` `[channels]`.
    static func liftTestLikelihood(_ b: inout ProgramBuilder, tests: [ScaledLiftTest], saturation: any SaturationFamily,
                                   parameters: [Node], channelBeta: Node) -> Node {
        let n = tests.count
        let spends = b.constant(tests.flatMap { [$0.before, $0.after] })
        let answered = b.saturation(saturation, input: spends, parameters: parameters,
                                    rowParameter: tests.flatMap { [$0.channel, $0.channel] }, length: 1)
        let gain = b.subtract(b.gather(answered, indices: (0..<n).map { 2 * $0 + 1 }),
                              b.gather(answered, indices: (0..<n).map { 2 * $0 }))
        let modelled = b.multiply(b.gather(channelBeta, indices: tests.map(\.channel)), gain)
        return b.likelihood(.normal, observed: b.constant(tests.map(\.lift)), mean: modelled,
                            scale: b.constant(tests.map(\.standardError))).total
    }
}
