import Autodiff

/// One (geo, channel) pair the geo model fits: a row of the `[rows, periods]` media blocks. Pairs
/// whose history has no spend carry no information about the curve and are left out.
public struct ModelRow: Sendable, Equatable {
    public var geo: Int
    public var channel: Int
}

extension ModelProgram {
    /// Everything the geo program is built from, in the model's per-size scaled units: each geo's
    /// target and spend are divided by its size share sₘ (Σ s = 1) and by national-equivalent
    /// scales, so one curve per channel fits big and small geos alike.
    struct GeoSetup {
        var parameters: [ModelParameter]
        var geos: Int
        var periods: Int
        var rows: [ModelRow]
        var hierarchy: Hierarchy
        /// `[geos]` each.
        var levelIndices: [Int]
        var trendIndices: [Int]?
        var sigmaIndices: [Int]
        /// National Fourier coefficients `[2·order]` and each geo's amplitude `[geos]`.
        var seasonIndices: [Int]
        var amplitudeIndices: [Int]
        var controlIndices: [Int]
        /// Per channel: its national ROAS (partial, pooled) and pooling scale τ (partial).
        var roasIndices: [Int]
        var tauIndices: [Int]
        /// Per row: its standard-normal deviation (partial) or its own ROAS (separate).
        var rowIndices: [Int]
        var adstockIndices: [[Int]]
        var saturationIndices: [[Int]]
        var interceptPrior: Prior
        /// Per geo, the fixed design `[terms, periods]`: intercept, trend?, Fourier terms, controls.
        var design: [Double]
        /// spend_{g,c} / (yScale·s_g·T) per row; the controls' means per geo `[geos, controls]`.
        var meanContributionPerROAS: [Double]
        var controlMeans: [Double]
        /// Scaled spend `[rows, periods]`, spend_{g,c}/(yScale·s_g) `[rows]`, scaled target `[geos, periods]`.
        var spend: [Double]
        var effectScale: [Double]
        var target: [Double]
        /// Each row's geo share s_g `[rows]`: national-equivalent β_c = Σ s_g·β_{g,c}.
        var rowShare: [Double]
        var channels: Int
        var adstock: any AdstockFamily
        var saturation: any SaturationFamily
        var maxLag: Int
        var likelihood: Likelihood
        var liftTests: [ScaledLiftTest]
    }

    static func buildGeo(_ s: GeoSetup) -> (Program, ModelNodes) {
        let T = s.periods, G = s.geos, R = s.rows.count, C = s.channels
        var b = ProgramBuilder(inputCount: s.parameters.count)
        var terms: [Node] = []
        let constrained = constrainAll(&b, s.parameters, terms: &terms)
        func block(_ indices: [Int]) -> Node { b.gather(constrained, indices: indices) }
        let level = block(s.levelIndices)
        let trend = s.trendIndices.map { block($0) }
        let sigma = block(s.sigmaIndices)
        let gamma = s.controlIndices.isEmpty ? nil : block(s.controlIndices)
        let adstockParameters = s.adstockIndices.map { block($0) }
        let saturationParameters = s.saturationIndices.map { block($0) }
        let rowChannel = s.rows.map(\.channel), rowGeo = s.rows.map(\.geo)

        // Each row's ROAS over the data period.
        let roas: Node
        switch s.hierarchy {
        case .pooled:
            roas = b.gather(constrained, indices: rowChannel.map { s.roasIndices[$0] })
        case .separate:
            roas = block(s.rowIndices)
        case .partial:
            // log ROAS_{g,c} = log ROAS_c + τ_c·z_{g,c}: non-centred, so a small τ leaves the
            // sampler a flat direction in z instead of a funnel.
            let logNational = b.gather(b.input, indices: rowChannel.map { s.roasIndices[$0] })
            let tau = b.gather(constrained, indices: rowChannel.map { s.tauIndices[$0] })
            let logRow = b.locationScale(loc: logNational, scale: tau, z: block(s.rowIndices))
            roas = b.constrain(logRow, supports: Array(repeating: .positive, count: R), jacobian: Array(repeating: false, count: R)).value
        }

        // Each geo's intercept, derived from its sampled level as in the national model.
        let K = s.controlIndices.count
        let intercepts = (0..<G).map { g -> Node in
            var form: [(Node, Int, Double)] = [(level, g, 1)]
            for r in 0..<R where rowGeo[r] == g { form.append((roas, r, -s.meanContributionPerROAS[r])) }
            if let gamma { form += (0..<K).map { (gamma, $0, -s.controlMeans[g * K + $0]) } }
            return b.linearForm(form)
        }
        let intercept = b.gather(intercepts.map { ($0, 0) })
        terms.append(b.priorDensity(intercept, priors: Array(repeating: s.interceptPrior, count: G)))

        // Seasonality: national Fourier coefficients times each geo's amplitude.
        let F = s.seasonIndices.count
        var seasonal: Node? = nil
        if F > 0 {
            let phi = block(s.seasonIndices), amplitude = block(s.amplitudeIndices)
            seasonal = b.multiply(b.gather(amplitude, indices: (0..<(G * F)).map { $0 / F }),
                                  b.gather(phi, indices: (0..<(G * F)).map { $0 % F }))
        }
        var picks: [(Node, Int)] = []
        for g in 0..<G {
            picks.append((intercept, g))
            if let trend { picks.append((trend, g)) }
            if let seasonal { picks += (0..<F).map { (seasonal, g * F + $0) } }
            if let gamma { picks += (0..<K).map { (gamma, $0) } }
        }
        let baseline = b.rowDesign(s.design, coefficients: b.gather(picks), rows: G, length: T)

        // Media: shared curve shapes per channel, β_{g,c} = ROAS_{g,c}·spend/(yScale·s_g·Σₜ s).
        let spend = b.constant(s.spend)
        let (adstocked, weights, weightTotals) = b.adstock(s.adstock, spend: spend, parameters: adstockParameters,
                                                          rowParameter: rowChannel, length: T, maxLag: s.maxLag)
        let saturated = b.saturation(s.saturation, input: adstocked, parameters: saturationParameters,
                                     rowParameter: rowChannel, length: T)
        let beta = b.divide(b.multiply(roas, b.constant(s.effectScale)), b.rowSum(saturated, length: T))
        let contributions = b.scaleRows(saturated, by: beta, rowScale: Array(0..<R), length: T)
        let mean = b.sumRows(contributions, into: baseline, rowGroup: rowGeo, length: T)
        let channelBeta = b.sumRows(b.multiply(beta, b.constant(s.rowShare)), into: b.constant(Array(repeating: 0, count: C)),
                                    rowGroup: rowChannel, length: 1)

        let scale = b.gather(sigma, indices: (0..<(G * T)).map { $0 / T })
        let (logLikelihood, pointwise) = b.likelihood(family(s.likelihood), observed: b.constant(s.target), mean: mean, scale: scale, pointwise: true)
        terms.append(logLikelihood)

        // Lift tests in national-equivalent units: every geo at the same per-size spend.
        if !s.liftTests.isEmpty {
            terms.append(liftTestLikelihood(&b, tests: s.liftTests, saturation: s.saturation, parameters: saturationParameters,
                                            channelBeta: channelBeta))
        }
        let logPosterior = b.total(terms)
        let nodes = ModelNodes(logPosterior: logPosterior, mean: mean, contributions: contributions, beta: beta,
                               channelBeta: channelBeta, intercept: intercept, sigma: sigma, pointwiseLogLikelihood: pointwise!,
                               adstockWeights: weights, adstockTotals: weightTotals,
                               adstockParameters: adstockParameters, saturationParameters: saturationParameters)
        return (b.program(output: logPosterior), nodes)
    }
}
