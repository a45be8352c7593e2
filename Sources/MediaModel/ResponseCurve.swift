import Foundation

/// One channel's revenue as a function of its budget over a planning horizon, once per posterior
/// draw.
///
/// Plan semantics (CONTRACT.md): a budget b is spent evenly over `horizon` periods, with no
/// carryover from history; the revenue counts the horizon and the carryover tail after it
/// (`maxLag − 1` more periods). Adstock is linear, so with weekly spend x the adstocked input in
/// period t is x·c_t, where c_t (`carry`) depends only on the draw's adstock parameters.
public struct ResponseCurve: Sendable {
    public let channel: String
    public let saturation: SaturationKind
    /// Planning periods H.
    public let horizon: Int
    /// Periods counted: horizon plus carryover tail.
    public let periods: Int
    /// The channel's spend scale (largest weekly spend in the data): saturation reads spend / scale.
    public let spendScale: Double
    /// Per draw, `[draws]`: β in target units, κ or λ, and the Hill slope k (0 for logistic).
    public let beta: [Double]
    public let first: [Double]
    public let second: [Double]
    /// Cumulative carry weights c_t of the periods outside the plateau, `[draws × rowLength]`;
    /// for Hill raised to the draw's slope k.
    let carry: [Double]
    /// Entries per draw in `carry` (even: the periods outside the plateau, then zero padding).
    let rowLength: Int
    /// When the horizon is at least the carryover length, periods L−1 … H−1 all receive the full
    /// carry: their terms are equal, so they are computed once and counted `plateauLength` times
    /// (0 when there is no plateau). With H = 13 and L = 8 that is 14 terms per draw instead of 21.
    let plateauLength: Int
    /// The plateau's carry per draw, `[draws]` (for Hill raised to k).
    let plateau: [Double]
    /// Hill only: κ^k per draw.
    let halfSaturationPower: [Double]

    public var drawCount: Int { beta.count }

    private init(copying curve: ResponseCurve, draws indices: [Int]) {
        channel = curve.channel; saturation = curve.saturation; horizon = curve.horizon
        periods = curve.periods; spendScale = curve.spendScale
        rowLength = curve.rowLength; plateauLength = curve.plateauLength
        beta = indices.map { curve.beta[$0] }
        first = indices.map { curve.first[$0] }
        second = indices.map { curve.second[$0] }
        carry = indices.flatMap { curve.carry[($0 * curve.rowLength)..<(($0 + 1) * curve.rowLength)] }
        plateau = indices.map { curve.plateau[$0] }
        halfSaturationPower = curve.halfSaturationPower.isEmpty ? [] : indices.map { curve.halfSaturationPower[$0] }
    }

    /// The curve on a subset of its draws (`indices` into `[drawCount]`).
    public func subset(_ indices: [Int]) -> ResponseCurve { ResponseCurve(copying: self, draws: indices) }

    /// - Parameters:
    ///   - adstockWeights: normalized carry weights per draw, `[draws][maxLag]`.
    public init(channel: String, saturation: SaturationKind, horizon: Int, spendScale: Double,
                adstockWeights: [[Double]], beta: [Double], first: [Double], second: [Double]) {
        let lags = adstockWeights.first?.count ?? 1
        self.channel = channel
        self.saturation = saturation
        self.horizon = horizon
        periods = horizon + lags - 1
        self.spendScale = spendScale
        self.beta = beta
        self.first = first
        self.second = second
        let plateauLength = horizon - lags + 1 >= 2 ? horizon - lags + 1 : 0
        let plateauRange = plateauLength > 0 ? (lags - 1)..<horizon : 0..<0
        self.plateauLength = plateauLength
        // Rows padded to an even length for two-wide arithmetic; the padding carries nothing.
        let unpadded = periods - plateauLength
        rowLength = unpadded + unpadded % 2
        var carry: [Double] = [], plateau: [Double] = []
        carry.reserveCapacity(beta.count * rowLength)
        for (d, w) in adstockWeights.enumerated() {
            var full = 0.0
            for t in 0..<periods {
                // Spend in periods 0…H−1 reaches period t through lags t−H+1 … t.
                var c = 0.0
                for l in max(0, t - horizon + 1)...min(t, lags - 1) { c += w[l] }
                let term = saturation == .hill ? pow(c, second[d]) : c
                if plateauRange.contains(t) { full = term } else { carry.append(term) }
            }
            if unpadded % 2 == 1 { carry.append(0) }
            plateau.append(full)
        }
        self.carry = carry
        self.plateau = plateau
        halfSaturationPower = saturation == .hill ? zip(first, second).map { pow($0, $1) } : []
    }

    /// Revenue and its derivative for budget b, per draw (`[draws]` each).
    public func evaluate(budget b: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        // Scaled weekly spend, floored at a negligible amount: a Hill slope below 1 has an infinite
        // derivative at zero, and the optimizer needs a finite one.
        let x = max(max(b, 0) / (Double(horizon) * spendScale), 1e-12)
        let dxdb = 1 / (Double(horizon) * spendScale)
        let m = Double(plateauLength), n = rowLength
        carry.withUnsafeBufferPointer { carry in
            switch saturation {
            case .hill:
                // x^k = exp(k·log x): one logarithm per channel instead of a power per draw.
                let logX = log(x)
                for d in 0..<beta.count {
                    let k = second[d], u = exp(k * logX), kappa = halfSaturationPower[d]
                    // The plateau, counted m times, then the row two periods at a time (it is
                    // padded with zero carry, which adds nothing), in two independent sums so the
                    // divisions overlap instead of queueing.
                    let rp = u * plateau[d], ip = 1 / (rp + kappa)
                    let uu = SIMD2(repeating: u), kk = SIMD2(repeating: kappa)
                    var va = SIMD2(m * rp * ip, 0), vb = SIMD2<Double>.zero
                    var sa = SIMD2(m * rp * ip * ip, 0), sb = SIMD2<Double>.zero
                    let row = UnsafeRawPointer(carry.baseAddress! + d * n)
                    var t = 0
                    while t + 3 < n {
                        let ra = uu * row.loadUnaligned(fromByteOffset: 8 * t, as: SIMD2<Double>.self)
                        let rb = uu * row.loadUnaligned(fromByteOffset: 8 * (t + 2), as: SIMD2<Double>.self)
                        let ia = 1 / (ra + kk), ib = 1 / (rb + kk)
                        let qa = ra * ia, qb = rb * ib
                        va += qa; vb += qb
                        sa += qa * ia; sb += qb * ib
                        t += 4
                    }
                    if t < n {
                        let ra = uu * row.loadUnaligned(fromByteOffset: 8 * t, as: SIMD2<Double>.self)
                        let ia = 1 / (ra + kk), qa = ra * ia
                        va += qa; sa += qa * ia
                    }
                    let vs = va + vb, ss = sa + sb
                    let v = vs[0] + vs[1], s = (ss[0] + ss[1]) * kappa
                    values[d] = beta[d] * v
                    slopes[d] = beta[d] * k * s / x * dxdb
                }
            case .logistic:
                for d in 0..<beta.count {
                    let lambda = first[d]
                    // sat = (1 − e)/(1 + e) with e = exp(−λ·x·c); its derivative in c·x is λ(1 − sat²)/2.
                    func term(_ c: Double) -> (Double, Double) {
                        let e = exp(-lambda * x * c)
                        let sat = (1 - e) / (1 + e)
                        return (sat, 0.5 * (1 - sat * sat) * lambda * c)
                    }
                    var (v, s) = plateauLength > 0 ? term(plateau[d]) : (0, 0)
                    v *= m; s *= m
                    let row = d * n
                    for t in 0..<n {
                        let (sat, slope) = term(carry[row + t])
                        v += sat; s += slope
                    }
                    values[d] = beta[d] * v
                    slopes[d] = beta[d] * s * dxdb
                }
            }
        }
    }
}

extension Posterior {
    /// Every channel's response curve over `horizon` periods, from every posterior draw.
    public func responseCurves(horizon: Int) -> [ResponseCurve] {
        let spec = model.specification
        return model.data.channels.enumerated().map { c, name in
            let ch = model.index.channels[c]
            var weights: [[Double]] = [], first: [Double] = [], second: [Double] = []
            for theta in unconstrainedDraws {
                let alpha = Support.unitInterval.constrain(theta[ch.alpha])
                let peak = ch.peak.map { model.parameters[$0].support.constrain(theta[$0]) } ?? 0
                let w = AdstockWeights(kind: spec.adstock, alpha: alpha, peak: peak, maxLag: spec.maxLag)
                weights.append((0..<spec.maxLag).map(w.weight))
                first.append(exp(theta[ch.first]))
                second.append(ch.second.map { exp(theta[$0]) } ?? 0)
            }
            return ResponseCurve(channel: name, saturation: spec.saturation, horizon: horizon,
                                 spendScale: model.scales.spend[c], adstockWeights: weights,
                                 beta: draws.map { $0.beta[c] }, first: first, second: second)
        }
    }
}
