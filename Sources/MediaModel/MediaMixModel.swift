import Foundation
import Sampling

/// The national weekly media-mix model as a log posterior over unconstrained parameters:
///
///     y_t = intercept + trend·τ_t + Σ Fourier_k(t)·φ_k + Σ_j γ_j·z_{j,t}
///           + Σ_c β_c · saturation_c(adstock_c(x_c))_t + ε_t
///
/// Internally the target is divided by max|y|, each channel's spend by its maximum and each
/// control by its maximum magnitude, and time runs from 0 to 1; every quantity reported outside
/// (`decompose`) is back in the data's units. Media effects are kept positive by their priors
/// (β ≥ 0, or a log-normal ROAS prior). The gradient is analytic: a hand-written reverse pass.
public struct MediaMixModel: LogDensity {
    public let specification: ModelSpecification
    public let data: Dataset
    /// The sampled parameters, in the order of the unconstrained vector.
    public let parameters: [ModelParameter]
    public var dimension: Int { parameters.count }

    let index: ParameterIndex
    let periods: Int
    let yScale: Double
    let y: [Double]             // [T] scaled target
    let xScale: [Double]        // [C]
    let x: [Double]             // [C*T] scaled spend, channel-major
    let zScale: [Double]        // [K]
    let z: [Double]             // [K*T] scaled controls
    let time: [Double]          // [T] τ in [−½, ½]
    let fourier: [Double]       // [2·order·T]: sin 1, cos 1, sin 2, cos 2, …
    let spendTotal: [Double]    // [C] original units
    /// Mean scaled contribution of a channel per unit of ROAS: spend_c / (yScale·T), `[C]`.
    let meanContributionPerROAS: [Double]
    /// Mean of each scaled control, `[K]`.
    let controlMeans: [Double]
    /// Prior on the (derived) intercept.
    let interceptPrior: Prior
    /// The lift tests in the model's scaled units.
    let liftTests: [ScaledLiftTest]

    /// - Throws: `ModelError` when the specification and the data do not fit together.
    public init(data: Dataset, specification: ModelSpecification = ModelSpecification()) throws {
        guard data.geos.count == 1 else { throw ModelError.invalid("geo models are not supported yet: the data have \(data.geos.count) geos (data.geo); aggregate the geos to national rows (one per date) for now") }
        self.data = data
        self.specification = specification
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
        x = zip(data.spend, spendScale).flatMap { series, scale in series.map { $0 / scale } }
        zScale = controlScale
        z = zip(data.controls, controlScale).flatMap { series, scale in series.map { $0 / scale } }
        // Centred time: a trend from −½ to ½ does not trade off against the intercept.
        time = (0..<T).map { T > 1 ? Double($0) / Double(T - 1) - 0.5 : 0 }
        let order = specification.seasonality.order
        let period = specification.seasonality.period
        var f = [Double]()
        for k in 1...max(order, 1) where order > 0 {
            let w = 2 * Double.pi * Double(k) / period
            f += (0..<T).map { sin(w * Double($0)) }
            f += (0..<T).map { cos(w * Double($0)) }
        }
        fourier = f
        let totals = data.totalSpend
        spendTotal = totals
        meanContributionPerROAS = totals.map { $0 / (targetScale * Double(max(T, 1))) }
        controlMeans = zip(data.controls, controlScale).map { series, scale in
            series.reduce(0, +) / scale / Double(max(T, 1))
        }

        liftTests = try specification.liftTests.enumerated().map { i, test in
            let row = "lift test \(i + 1) (\(test.channel))"
            guard let c = data.channels.firstIndex(of: test.channel) else {
                throw ModelError.invalid("\(row): '\(test.channel)' is not one of the channels \(data.channels.joined(separator: ", "))")
            }
            guard [test.spend, test.change, test.lift, test.standardError].allSatisfy(\.isFinite) else {
                throw ModelError.invalid("\(row): every value must be a finite number")
            }
            guard test.spend >= 0, test.spend + test.change >= 0 else {
                throw ModelError.invalid("\(row): spend before (\(test.spend)) and during (\(test.spend + test.change)) the test must be ≥ 0")
            }
            guard test.change != 0 else { throw ModelError.invalid("\(row): delta_x is 0, so the test moved nothing") }
            guard test.standardError > 0 else { throw ModelError.invalid("\(row): sigma must be > 0") }
            return ScaledLiftTest(channel: c, before: test.spend / spendScale[c], after: (test.spend + test.change) / spendScale[c],
                                  lift: test.lift / targetScale, standardError: test.standardError / targetScale)
        }

        // Parameters and their priors.
        let priors = specification.priors
        var params: [ModelParameter] = []
        var idx = ParameterIndex()
        func add(_ name: String, _ support: Support, _ prior: Prior) -> Int {
            params.append(ModelParameter(name: name, support: support, prior: prior))
            return params.count - 1
        }
        func prior(_ key: String, _ fallback: Prior) -> Prior { priors.global[key] ?? fallback }
        // The sampled coordinate is the mean fitted level; the intercept (which carries the
        // prior) is derived from it by subtracting the channels' and controls' mean contributions,
        // so the data's sharp information about the level does not bend into a ridge between the
        // intercept and every ROAS.
        idx.intercept = add("level", .real, .flat)
        interceptPrior = prior("intercept", .normal(mean: 0, sd: 2))
        if specification.trend == .linear { idx.trend = add("trend", .real, prior("trend", .normal(mean: 0, sd: 1))) }
        let seasonStart = params.count
        for k in 0..<(2 * order) { _ = add("season.\(k + 1)", .real, prior("seasonality", .normal(mean: 0, sd: 0.5))) }
        idx.season = seasonStart..<params.count
        let controlStart = params.count
        for j in 0..<K { _ = add("gamma.\(j + 1)", .real, prior("controls", .normal(mean: 0, sd: 1))) }
        idx.controls = controlStart..<params.count

        let totalShare = totals.reduce(0, +)
        // At one prior sd, all channels together would add twice the mean target: loose, but it
        // keeps media from absorbing the baseline.
        let meanTarget = max(abs(data.target.reduce(0, +) / Double(max(T, 1))) / targetScale, 1e-3)
        for (c, name) in data.channels.enumerated() {
            let own = priors.channel[name] ?? [:]
            let i = c + 1
            // Media effects scale with the channel's share of spend, so a small channel cannot be
            // handed an absurd ROAS by a flat prior.
            let share = totalShare > 0 ? totals[c] / totalShare : 1 / Double(C)
            // Every channel is sampled by its ROAS over the data period, which the data pin down
            // almost independently of the curve's shape; β = ROAS·spend/(yScale·Σs) follows. Without
            // a ROAS belief the prior stays on β (carried over with its Jacobian in the density).
            let effect: Int, betaPrior: Prior?
            if let roas = priors.roas[name] {
                effect = add("roas.\(i)", .positive, .logNormal(mean: roas.mean, sd: roas.sd)); betaPrior = nil
            } else {
                effect = add("roas.\(i)", .positive, .flat)
                betaPrior = own["beta"] ?? .halfNormal(sd: share * meanTarget)
            }
            let alpha = add("adstock_alpha.\(i)", .unitInterval, own["adstock"] ?? .beta(a: 1, b: 3))
            var peak: Int?
            if specification.adstock == .delayed {
                peak = add("adstock_peak.\(i)", .interval(lower: 0, upper: Double(specification.maxLag - 1)),
                           own["peak"] ?? .normal(mean: 1, sd: 2))
            }
            let first: Int, second: Int?
            switch specification.saturation {
            case .hill:
                let positive = data.spend[c].filter { $0 > 0 }.map { $0 / spendScale[c] }.sorted()
                let median = positive.isEmpty ? 0.5 : positive[positive.count / 2]
                first = add("half_saturation.\(i)", .positive, own["half_saturation"] ?? .logNormal(mu: log(median), sigma: 0.7))
                second = add("hill_slope.\(i)", .positive, own["slope"] ?? .logNormal(mu: 0.3, sigma: 0.5))
            case .logistic:
                first = add("saturation_lambda.\(i)", .positive, own["lambda"] ?? .gamma(shape: 3, rate: 1))
                second = nil
            }
            idx.channels.append(.init(effect: effect, betaPrior: betaPrior, alpha: alpha, peak: peak, first: first, second: second))
        }
        idx.sigma = add("sigma", .positive, prior("sigma", .halfNormal(sd: 1)))
        for p in params {
            if let why = p.prior.problem { throw ModelError.invalid("prior of \(p.name): \(why)") }
            if case .interval = p.support { continue }
            if p.prior != .flat, p.support != p.prior.support, !(p.support == .positive && p.prior.support == .real) {
                throw ModelError.invalid("prior \(p.prior) of \(p.name) does not match its support")
            }
        }
        parameters = params
        index = idx
    }

    /// Starting points near the prior's centre with uniform jitter (as PyMC's
    /// `jitter+adapt_diag`): the level at the mean target, every channel at a ROAS that
    /// would explain a quarter of the target, decays at 0.3, noise at half the target's spread.
    /// `[chains][dimension]`.
    public func initialPoints(chains: Int, seed: UInt64) -> [[Double]] {
        let T = Double(periods)
        let meanY = y.reduce(0, +) / T
        let sdY = (y.reduce(0) { $0 + ($1 - meanY) * ($1 - meanY) } / T).squareRoot()
        let roas = max(0.25 * data.target.reduce(0, +) / max(spendTotal.reduce(0, +), .leastNormalMagnitude), 1e-6)
        var centre = [Double](repeating: 0, count: dimension)
        centre[index.intercept] = meanY
        for ch in index.channels {
            centre[ch.effect] = log(roas)
            centre[ch.alpha] = Support.unitInterval.unconstrain(0.3)
            if let i = ch.peak { centre[i] = 0 }
            centre[ch.first] = parameters[ch.first].prior.centre
            if let i = ch.second { centre[i] = parameters[i].prior.centre }
        }
        centre[index.sigma] = log(max(sdY / 2, 1e-6))
        return (0..<chains).map { chain in
            var rng = SeededGenerator(seed: seed, stream: 1000 + UInt64(chain))
            return centre.map { $0 + (2 * rng.uniform() - 1) * 0.5 }
        }
    }

    // MARK: - Log density

    public func logDensity(at theta: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let T = periods, C = data.channels.count
        for i in 0..<dimension { gradient[i] = 0 }
        var lp = 0.0
        for (i, p) in parameters.enumerated() {
            let (v, d) = p.prior.logDensity(unconstrained: theta[i], support: p.support)
            lp += v
            gradient[i] += d
        }
        guard lp.isFinite else { return -.infinity }

        return withUnsafeTemporaryAllocation(of: Double.self, capacity: (2 + 5 * C) * T) { buffer in
            let base = buffer.baseAddress!
            let mu = base, residual = base + T
            func channelBuffer(_ c: Int, _ k: Int) -> UnsafeMutablePointer<Double> { base + (2 + 5 * c + k) * T }

            // Forward: the mean, from the level and the derived intercept.
            let intercept = derivedIntercept(theta)
            let (interceptLogPrior, interceptSlope) = interceptPrior.logDensity(unconstrained: intercept, support: .real)
            for t in 0..<T { mu[t] = intercept }
            if let i = index.trend { for t in 0..<T { mu[t] += theta[i] * time[t] } }
            for (k, i) in index.season.enumerated() {
                let phi = theta[i]
                fourier.withUnsafeBufferPointer { f in for t in 0..<T { mu[t] += phi * f[k * T + t] } }
            }
            for (j, i) in index.controls.enumerated() {
                let g = theta[i]
                z.withUnsafeBufferPointer { zz in for t in 0..<T { mu[t] += g * zz[j * T + t] } }
            }
            var beta = [Double](repeating: 0, count: C)
            var betaPriorTerm = 0.0
            var betaPriorSlope = [Double](repeating: 0, count: C)  // ∂(β prior + lift-test terms)/∂β
            var saturationTotal = [Double](repeating: 0, count: C)
            var weights: [AdstockWeights] = []
            weights.reserveCapacity(C)
            for c in 0..<C {
                let ch = index.channels[c]
                let alpha = Support.unitInterval.constrain(theta[ch.alpha])
                let peak = ch.peak.map { parameters[$0].support.constrain(theta[$0]) } ?? 0
                let w = AdstockWeights(kind: specification.adstock, alpha: alpha, peak: peak, maxLag: specification.maxLag)
                weights.append(w)
                let adstocked = channelBuffer(c, 0), s = channelBuffer(c, 1), dInput = channelBuffer(c, 2)
                let dFirst = channelBuffer(c, 3), dSecond = channelBuffer(c, 4)
                x.withUnsafeBufferPointer { xs in applyAdstock(xs.baseAddress! + c * T, count: T, weights: w, into: adstocked) }
                let first = exp(theta[ch.first]), second = ch.second.map { exp(theta[$0]) } ?? 0
                saturateSeries(specification.saturation, adstocked, count: T, first: first, second: second,
                               value: s, dInput: dInput, dFirst: dFirst, dSecond: dSecond)
                var total = 0.0
                for t in 0..<T { total += s[t] }
                saturationTotal[c] = total
                beta[c] = total > 0 ? exp(theta[ch.effect]) * spendTotal[c] / (yScale * total) : 0
                for t in 0..<T { mu[t] += beta[c] * s[t] }
                if let prior = ch.betaPrior {
                    // log p(β) + log|∂β/∂ log ROAS| = log p(β) + log β.
                    let (value, derivative) = prior.logDensity(unconstrained: log(max(beta[c], .leastNormalMagnitude)), support: .positive)
                    betaPriorTerm += value
                    betaPriorSlope[c] = derivative / max(beta[c], .leastNormalMagnitude)
                }
                // Lift tests: Normal(lift | β·(s_after − s_before), se). Their slope in β joins
                // the prior's, so the reverse pass carries it through β's dependence on Σs; the
                // curve's own parameters get their direct part here.
                for test in liftTests where test.channel == c {
                    let before = saturation(specification.saturation, test.before, first: first, second: second)
                    let after = saturation(specification.saturation, test.after, first: first, second: second)
                    let gain = after.value - before.value
                    let z = (test.lift - beta[c] * gain) / test.standardError
                    betaPriorTerm -= 0.5 * z * z
                    let slope = z / test.standardError  // ∂/∂(model's lift)
                    betaPriorSlope[c] += slope * gain
                    gradient[ch.first] += slope * beta[c] * (after.dFirst - before.dFirst) * first
                    if let i = ch.second { gradient[i] += slope * beta[c] * (after.dSecond - before.dSecond) * second }
                }
            }

            // Likelihood and its adjoint r_t = ∂ log L / ∂μ_t.
            let sigma = exp(theta[index.sigma])
            var logLikelihood = 0.0, dSigma = 0.0
            switch specification.likelihood {
            case .normal:
                let inverseVariance = 1 / (sigma * sigma)
                var sse = 0.0
                for t in 0..<T {
                    let e = y[t] - mu[t]
                    residual[t] = e * inverseVariance
                    sse += e * e
                }
                logLikelihood = -Double(T) * log(sigma) - 0.5 * sse * inverseVariance
                dSigma = -Double(T) + sse * inverseVariance  // ∂/∂ log σ
            case .studentT(let nu):
                var sum = 0.0
                for t in 0..<T {
                    let e = (y[t] - mu[t]) / sigma
                    let q = nu + e * e
                    sum += log1p(e * e / nu)
                    residual[t] = (nu + 1) * e / (sigma * q)
                    dSigma += (nu + 1) * e * e / q
                }
                logLikelihood = -Double(T) * log(sigma) - 0.5 * (nu + 1) * sum
                dSigma -= Double(T)
            }
            let value = lp + betaPriorTerm + interceptLogPrior + logLikelihood
            guard value.isFinite else { return -.infinity }
            gradient[index.sigma] += dSigma

            // Reverse pass.
            // ∂/∂intercept of likelihood and intercept prior; the intercept moves with the level
            // (+1), every log ROAS (−m_c·ρ_c) and every control (−z̄_j).
            var interceptAdjoint = interceptSlope
            for t in 0..<T { interceptAdjoint += residual[t] }
            gradient[index.intercept] += interceptAdjoint
            for (c, ch) in index.channels.enumerated() {
                gradient[ch.effect] -= interceptAdjoint * meanContributionPerROAS[c] * exp(theta[ch.effect])
            }
            for (j, i) in index.controls.enumerated() { gradient[i] -= interceptAdjoint * controlMeans[j] }
            if let i = index.trend {
                var g = 0.0
                for t in 0..<T { g += residual[t] * time[t] }
                gradient[i] += g
            }
            for (k, i) in index.season.enumerated() {
                gradient[i] += fourier.withUnsafeBufferPointer { f in
                    var g = 0.0
                    for t in 0..<T { g += residual[t] * f[k * T + t] }
                    return g
                }
            }
            for (j, i) in index.controls.enumerated() {
                gradient[i] += z.withUnsafeBufferPointer { zz in
                    var g = 0.0
                    for t in 0..<T { g += residual[t] * zz[j * T + t] }
                    return g
                }
            }
            for c in 0..<C {
                let ch = index.channels[c]
                let adstocked = channelBuffer(c, 0), s = channelBuffer(c, 1), dInput = channelBuffer(c, 2)
                let dFirst = channelBuffer(c, 3), dSecond = channelBuffer(c, 4)
                var gBeta = betaPriorSlope[c]
                for t in 0..<T { gBeta += residual[t] * s[t] }
                // ∂β/∂ log ROAS = β.
                gradient[ch.effect] += gBeta * beta[c]
                // Adjoint of s_t: directly through β·s_t, and through β = ρ·spend/(yScale·Σs).
                let correction = saturationTotal[c] > 0 ? gBeta / saturationTotal[c] : 0
                var gFirst = 0.0, gSecond = 0.0
                // Reuse dInput as the adjoint of the adstocked input.
                for t in 0..<T {
                    let sBar = beta[c] * (residual[t] - correction)
                    gFirst += sBar * dFirst[t]
                    gSecond += sBar * dSecond[t]
                    dInput[t] *= sBar
                }
                gradient[ch.first] += gFirst * exp(theta[ch.first])
                if let i = ch.second { gradient[i] += gSecond * exp(theta[i]) }

                // Adstock: ∂L/∂p = (Σ_l dₗᵖ X̂ₗ − A Σ_l dₗᵖ) / W, X̂ₗ = Σ_t ā_t x_{t−l}, A = Σ_t ā_t a_t.
                let w = weights[c]
                var aTotal = 0.0
                for t in 0..<T { aTotal += dInput[t] * adstocked[t] }
                var gAlpha = 0.0, gPeak = 0.0, sumDAlpha = 0.0, sumDPeak = 0.0
                x.withUnsafeBufferPointer { xs in
                    let xc = xs.baseAddress! + c * T
                    for l in 0..<w.maxLag where l < T {
                        let xHat = laggedDot(dInput, xc, count: T, lag: l)
                        gAlpha += w.dAlpha[l] * xHat
                        gPeak += w.dPeak[l] * xHat
                        sumDAlpha += w.dAlpha[l]
                        sumDPeak += w.dPeak[l]
                    }
                }
                let alpha = Support.unitInterval.constrain(theta[ch.alpha])
                gradient[ch.alpha] += (gAlpha - aTotal * sumDAlpha) / w.total * alpha * (1 - alpha)
                if let i = ch.peak {
                    let support = parameters[i].support
                    let peak = support.constrain(theta[i])
                    gradient[i] += (gPeak - aTotal * sumDPeak) / w.total * support.derivative(x: peak)
                }
            }
            return value
        }
    }
}

extension MediaMixModel {
    /// intercept = level − Σ_c ROAS_c·m_c − Σ_j γ_j·z̄_j (scaled units).
    @inline(__always)
    func derivedIntercept(_ theta: UnsafeBufferPointer<Double>) -> Double {
        var intercept = theta[index.intercept]
        for (c, ch) in index.channels.enumerated() { intercept -= exp(theta[ch.effect]) * meanContributionPerROAS[c] }
        for (j, i) in index.controls.enumerated() { intercept -= theta[i] * controlMeans[j] }
        return intercept
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
