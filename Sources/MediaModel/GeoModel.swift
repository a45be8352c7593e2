import Autodiff
import Foundation

/// The hierarchical geo model's parameters, scales and program (see `MediaMixModel` for the model
/// as a whole and README "Geo models" for the equations).
///
///     y_{g,t} / (Y·s_g) = intercept_g + trend_g·τ_t + a_g·Σ Fourier_k(t)·φ_k + Σ_j γ_j·z_{g,j,t}
///                         + Σ_c β_{g,c}·saturation_c(adstock_c(x_{g,c,t} / (X_c·s_g))) + ε_{g,t}
///
/// s_g is geo g's size share (population, else its share of all spend; Σ s = 1), Y and X_c the
/// largest national-equivalent target and weekly spend (value / s_g), so every geo's series is on
/// one scale and one curve shape per channel serves big and small geos — the half-saturation point
/// scales with the geo's size. Each pair's ROAS over the data period is the sampled effect:
/// log ROAS_{g,c} = log ROAS_c + τ_c·z_{g,c} (`partial`), ROAS_c (`pooled`) or its own (`separate`).
/// Noise is per geo, ε_{g,t} ~ Normal(0, σ_g) (or Student-t).
struct GeoModelParts {
    var parameters: [ModelParameter] = []
    var program: Program
    var nodes: ModelNodes
    var yScale: Double
    var y: [Double]
    var xScale: [Double]
    var rows: [ModelRow]
    var share: [Double]
    var channelIndex: [MediaMixModel.ChannelIndex]
    var levelIndex: Int
    var sigmaIndex: Int
    var familyStarts: [Double?]
    var centre: [Double]

    /// Meridian's default ROI prior (median e^0.2 ≈ 1.2, 95% below ≈ 7): the geo model's ROAS
    /// prior when the scenario states none.
    static let defaultROASPrior = Prior.logNormal(mu: 0.2, sigma: 0.9)

    init(data: Dataset, specification spec: ModelSpecification) throws {
        let G = data.geoCount, T = data.periods, C = data.channels.count, K = data.controlNames.count
        guard T >= 2 else { throw ModelError.invalid("a geo model needs at least 2 periods") }
        share = try Self.sizeShares(data)

        // National-equivalent scales: a geo's value divided by its share.
        var yMax = 0.0
        for g in 0..<G { for v in data.target(geo: g) { yMax = max(yMax, abs(v) / share[g]) } }
        yScale = yMax > 0 ? yMax : 1
        var xMax = [Double](repeating: 0, count: C)
        for g in 0..<G { for c in 0..<C { for v in data.spend(geo: g, channel: c) { xMax[c] = max(xMax[c], v / share[g]) } } }
        xScale = xMax.map { $0 > 0 ? $0 : 1 }
        var zMax = [Double](repeating: 0, count: K)
        for g in 0..<G { for j in 0..<K { for v in data.control(geo: g, control: j) { zMax[j] = max(zMax[j], abs(v)) } } }
        let zScale = zMax.map { $0 > 0 ? $0 : 1 }

        let (yS, share) = (yScale, share)
        y = (0..<G).flatMap { g in data.target(geo: g).map { $0 / (yS * share[g]) } }
        var rows: [ModelRow] = []
        for g in 0..<G { for c in 0..<C where data.spend(geo: g, channel: c).contains(where: { $0 > 0 }) { rows.append(ModelRow(geo: g, channel: c)) } }
        self.rows = rows
        for c in 0..<C where !rows.contains(where: { $0.channel == c }) {
            throw ModelError.invalid("channel \(data.channels[c]) has no spend in any geo; drop it from data.channels")
        }

        // Parameters, in the order of the draws file.
        var ps: [ModelParameter] = []
        var starts: [Int: Double] = [:]
        func add(_ name: String, _ support: Support, _ prior: Prior) -> Int {
            ps.append(ModelParameter(name: name, support: support, prior: prior))
            return ps.count - 1
        }
        let priors = spec.priors
        func prior(_ key: String, _ fallback: Prior) -> Prior { priors.global[key] ?? fallback }
        let levels = (0..<G).map { add("level.\($0 + 1)", .real, .flat) }
        let trends = spec.trend == .linear ? (0..<G).map { add("trend.\($0 + 1)", .real, prior("trend", .normal(mean: 0, sd: 1))) } : nil
        let order = spec.seasonality.order
        let seasons = (0..<(2 * order)).map { add("season.\($0 + 1)", .real, prior("seasonality", .normal(mean: 0, sd: 0.5))) }
        // A geo's seasonal swing is the national one times a_g ~ LogNormal(0, 0.5): regions share
        // the calendar but not its size.
        let amplitudes = order > 0 ? (0..<G).map { add("season_amp.\($0 + 1)", .positive, .logNormal(mu: 0, sigma: 0.5)) } : []
        let gammas = (0..<K).map { add("gamma.\($0 + 1)", .real, prior("controls", .normal(mean: 0, sd: 1))) }

        let adstockFamily = spec.adstock.family, saturationFamily = spec.saturation.family
        var channels: [MediaMixModel.ChannelIndex] = []
        var roasIndices: [Int] = [], tauIndices: [Int] = []
        var adstockIndices = [[Int]](), saturationIndices = [[Int]]()
        var roasPriors: [Prior] = []
        for (c, name) in data.channels.enumerated() {
            let own = priors.channel[name] ?? [:]
            if own["beta"] != nil {
                throw ModelError.invalid("model.priors.\(name).beta: geo models state a channel's effect by its ROAS; use {roas: {mean, sd}} instead")
            }
            let i = c + 1
            let roasPrior = priors.roas[name].map { Prior.logNormal(mean: $0.mean, sd: $0.sd) } ?? Self.defaultROASPrior
            roasPriors.append(roasPrior)
            var effect = -1
            if spec.hierarchy != .separate { effect = add("roas.\(i)", .positive, roasPrior); roasIndices.append(effect) }
            if spec.hierarchy == .partial { tauIndices.append(add("roas_tau.\(i)", .positive, prior("roas_tau", .halfNormal(sd: 0.5)))) }
            var scaled: [Double] = []
            for g in 0..<G { for v in data.spend(geo: g, channel: c) where v > 0 { scaled.append(v / (share[g] * xScale[c])) } }
            scaled.sort()
            let context = ChannelContext(medianScaledSpend: scaled.isEmpty ? 0.5 : scaled[scaled.count / 2], maxLag: spec.maxLag)
            let familyParameters = adstockFamily.parameters(context) + saturationFamily.parameters(context)
            let indices = familyParameters.map { add("\($0.name).\(i)", $0.support, own[$0.priorKey] ?? $0.defaultPrior) }
            for (k, p) in familyParameters.enumerated() { starts[indices[k]] = p.start }
            let adstockCount = familyParameters.count - saturationFamily.parameters(context).count
            channels.append(MediaMixModel.ChannelIndex(effect: effect, adstock: Array(indices.prefix(adstockCount)),
                                                       saturation: Array(indices.dropFirst(adstockCount))))
        }
        for k in 0..<(channels.first?.adstock.count ?? 0) { adstockIndices.append(channels.map { $0.adstock[k] }) }
        for k in 0..<(channels.first?.saturation.count ?? 0) { saturationIndices.append(channels.map { $0.saturation[k] }) }
        let rowIndices: [Int] = switch spec.hierarchy {
        case .pooled: []
        case .partial: rows.map { add("roas_z.\($0.geo + 1).\($0.channel + 1)", .real, .normal(mean: 0, sd: 1)) }
        case .separate: rows.map { add("roas.\($0.geo + 1).\($0.channel + 1)", .positive, roasPriors[$0.channel]) }
        }
        if spec.hierarchy == .separate {
            for c in 0..<C { channels[c].effect = rowIndices[rows.firstIndex { $0.channel == c }!] }
        }
        let sigmas = (0..<G).map { add("sigma.\($0 + 1)", .positive, prior("sigma", .halfNormal(sd: 1))) }
        for p in ps {
            if let why = p.prior.problem { throw ModelError.invalid("prior of \(p.name): \(why)") }
        }
        parameters = ps
        channelIndex = channels
        levelIndex = levels[0]
        sigmaIndex = sigmas[0]
        familyStarts = ps.indices.map { starts[$0] }

        // Fixed data per geo and per row.
        let time = (0..<T).map { Double($0) / Double(T - 1) - 0.5 }
        var fourier: [[Double]] = []
        for k in 1...max(order, 1) where order > 0 {
            let w = 2 * Double.pi * Double(k) / spec.seasonality.period
            fourier.append((0..<T).map { sin(w * Double($0)) })
            fourier.append((0..<T).map { cos(w * Double($0)) })
        }
        var design: [Double] = [], controlMeans: [Double] = []
        for g in 0..<G {
            design += Array(repeating: 1, count: T)
            if trends != nil { design += time }
            design += fourier.flatMap { $0 }
            for j in 0..<K {
                let z = data.control(geo: g, control: j).map { $0 / zScale[j] }
                design += z
                controlMeans.append(z.reduce(0, +) / Double(T))
            }
        }
        let xs = xScale
        let scaledSpend = rows.flatMap { row in data.spend(geo: row.geo, channel: row.channel).map { $0 / (xs[row.channel] * share[row.geo]) } }
        let scaledTests = try spec.liftTests.enumerated().map { i, test in
            try ScaledLiftTest(test, number: i + 1, channels: data.channels, spendScale: xs, targetScale: yS)
        }
        let rowTotals = rows.map { data.spend(geo: $0.geo, channel: $0.channel).reduce(0, +) }
        let setup = ModelProgram.GeoSetup(
            parameters: ps, geos: G, periods: T, rows: rows, hierarchy: spec.hierarchy,
            levelIndices: levels, trendIndices: trends, sigmaIndices: sigmas, seasonIndices: seasons,
            amplitudeIndices: amplitudes, controlIndices: gammas, roasIndices: roasIndices, tauIndices: tauIndices,
            rowIndices: rowIndices, adstockIndices: adstockIndices, saturationIndices: saturationIndices,
            interceptPrior: prior("intercept", .normal(mean: 0, sd: 2)), design: design,
            meanContributionPerROAS: zip(rows, rowTotals).map { row, total in total / (yS * share[row.geo] * Double(T)) },
            controlMeans: controlMeans,
            spend: scaledSpend,
            effectScale: zip(rows, rowTotals).map { row, total in total / (yS * share[row.geo]) },
            target: y, rowShare: rows.map { share[$0.geo] }, channels: C,
            adstock: adstockFamily, saturation: saturationFamily, maxLag: spec.maxLag, likelihood: spec.likelihood,
            liftTests: scaledTests)
        (program, nodes) = ModelProgram.buildGeo(setup)

        // Where chains start: each geo's level at its mean, every ROAS explaining a quarter of the
        // target, curve shapes at their families' starts, pooling scales small, noise at half
        // each geo's spread.
        let totalTarget = data.target.reduce(0, +), totalSpend = data.totalSpend.reduce(0, +)
        let logROAS = log(max(0.25 * totalTarget / max(totalSpend, .leastNormalMagnitude), 1e-6))
        var centre = [Double](repeating: 0, count: ps.count)
        for g in 0..<G {
            let series = Array(y[(g * T)..<((g + 1) * T)])
            let m = series.reduce(0, +) / Double(T)
            let sd = (series.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(T)).squareRoot()
            centre[levels[g]] = m
            centre[sigmas[g]] = log(max(sd / 2, 1e-6))
        }
        for i in roasIndices { centre[i] = logROAS }
        for i in tauIndices { centre[i] = log(0.1) }
        if spec.hierarchy == .separate { for i in rowIndices { centre[i] = logROAS } }
        for ch in channels {
            for i in ch.adstock + ch.saturation {
                centre[i] = familyStarts[i].map { ps[i].support.unconstrain($0) } ?? ps[i].prior.centre
            }
        }
        self.centre = centre
    }

    /// Each geo's size share s_g (Σ = 1): its population when given, else its share of all spend,
    /// else of the target.
    static func sizeShares(_ data: Dataset) throws -> [Double] {
        let G = data.geoCount
        var size = data.population ?? (0..<G).map { data.totalSpend(geo: $0).reduce(0, +) }
        if size.contains(where: { !($0 > 0) }) { size = (0..<G).map { data.target(geo: $0).reduce(0, +) } }
        guard size.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            let g = size.firstIndex { !($0 > 0) } ?? 0
            throw ModelError.invalid("geo \(data.geos[g]) has no spend and no positive target, so its size is unknown; give data.population or drop the geo")
        }
        let total = size.reduce(0, +)
        return size.map { $0 / total }
    }
}
