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
    /// Cumulative carry weights, `[draws × periods]`; for Hill raised to the draw's slope k.
    let carry: [Double]
    /// Hill only: κ^k per draw.
    let halfSaturationPower: [Double]

    public var drawCount: Int { beta.count }

    private init(copying curve: ResponseCurve, draws indices: [Int]) {
        channel = curve.channel; saturation = curve.saturation; horizon = curve.horizon
        periods = curve.periods; spendScale = curve.spendScale
        beta = indices.map { curve.beta[$0] }
        first = indices.map { curve.first[$0] }
        second = indices.map { curve.second[$0] }
        carry = indices.flatMap { curve.carry[($0 * curve.periods)..<(($0 + 1) * curve.periods)] }
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
        var carry = [Double](repeating: 0, count: beta.count * periods)
        for (d, w) in adstockWeights.enumerated() {
            for t in 0..<periods {
                // Spend in periods 0…H−1 reaches period t through lags t−H+1 … t.
                var c = 0.0
                for l in max(0, t - horizon + 1)...min(t, lags - 1) { c += w[l] }
                carry[d * periods + t] = saturation == .hill ? pow(c, second[d]) : c
            }
        }
        self.carry = carry
        halfSaturationPower = saturation == .hill ? zip(first, second).map { pow($0, $1) } : []
    }

    /// Revenue and its derivative for budget b, per draw (`[draws]` each).
    public func evaluate(budget b: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        // Scaled weekly spend, floored at a negligible amount: a Hill slope below 1 has an infinite
        // derivative at zero, and the optimizer needs a finite one.
        let x = max(max(b, 0) / (Double(horizon) * spendScale), 1e-12)
        let dxdb = 1 / (Double(horizon) * spendScale)
        carry.withUnsafeBufferPointer { carry in
            switch saturation {
            case .hill:
                for d in 0..<beta.count {
                    let k = second[d], u = pow(x, k), kappa = halfSaturationPower[d]
                    // Four independent sums so the divisions overlap instead of queueing.
                    var v0 = 0.0, v1 = 0.0, v2 = 0.0, v3 = 0.0, s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                    let row = carry.baseAddress! + d * periods
                    var t = 0
                    while t + 3 < periods {
                        let r0 = u * row[t], r1 = u * row[t + 1], r2 = u * row[t + 2], r3 = u * row[t + 3]
                        let i0 = 1 / (r0 + kappa), i1 = 1 / (r1 + kappa), i2 = 1 / (r2 + kappa), i3 = 1 / (r3 + kappa)
                        v0 += r0 * i0; v1 += r1 * i1; v2 += r2 * i2; v3 += r3 * i3
                        s0 += r0 * i0 * i0; s1 += r1 * i1 * i1; s2 += r2 * i2 * i2; s3 += r3 * i3 * i3
                        t += 4
                    }
                    while t < periods {
                        let r = u * row[t], i = 1 / (r + kappa)
                        v0 += r * i; s0 += r * i * i
                        t += 1
                    }
                    let v = (v0 + v1) + (v2 + v3), s = ((s0 + s1) + (s2 + s3)) * kappa
                    values[d] = beta[d] * v
                    slopes[d] = beta[d] * k * s / x * dxdb
                }
            case .logistic:
                for d in 0..<beta.count {
                    let lambda = first[d]
                    var v = 0.0, s = 0.0
                    let row = d * periods
                    for t in 0..<periods {
                        let c = carry[row + t]
                        let e = exp(-lambda * x * c)
                        let sat = (1 - e) / (1 + e)
                        v += sat
                        s += 0.5 * (1 - sat * sat) * lambda * c
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
