import Foundation

/// One channel's revenue as a function of its budget over a planning horizon, once per posterior
/// draw.
///
/// Plan semantics (CONTRACT.md): a budget b is spent evenly over `horizon` periods, with no
/// carryover from history; the revenue counts the horizon and the carryover tail after it
/// (`maxLag − 1` more periods). Adstock is linear, so with weekly spend x the adstocked input in
/// period t is x·cₜ (`FlightCarry`), and the curve's family sums its saturation over those inputs.
public struct ResponseCurve: Sendable {
    public let channel: String
    /// Planning periods H.
    public let horizon: Int
    /// Periods counted: horizon plus carryover tail.
    public let periods: Int
    /// The channel's spend scale (largest weekly spend in the data): saturation reads spend / scale.
    public let spendScale: Double
    /// β per draw in target units, `[draws]`.
    public let beta: [Double]
    let response: any FlightResponse

    public var drawCount: Int { beta.count }

    /// - Parameters:
    ///   - adstockWeights: normalized carry weights per draw, `[draws][maxLag]`.
    ///   - parameters: the saturation family's constrained parameters per draw, `[draws][K]`.
    public init(channel: String, saturation: SaturationKind, horizon: Int, spendScale: Double,
                adstockWeights: [[Double]], beta: [Double], parameters: [[Double]]) {
        self.channel = channel
        self.horizon = horizon
        periods = horizon + (adstockWeights.first?.count ?? 1) - 1
        self.spendScale = spendScale
        self.beta = beta
        response = saturation.family.flightResponse(FlightCarry(horizon: horizon, weights: adstockWeights),
                                                    parameters: parameters.flatMap { $0 })
    }

    private init(copying curve: ResponseCurve, draws indices: [Int]) {
        channel = curve.channel; horizon = curve.horizon; periods = curve.periods; spendScale = curve.spendScale
        beta = indices.map { curve.beta[$0] }
        response = curve.response.subset(indices)
    }

    /// The curve on a subset of its draws (`indices` into `[drawCount]`).
    public func subset(_ indices: [Int]) -> ResponseCurve { ResponseCurve(copying: self, draws: indices) }

    /// Revenue and its derivative for budget b, per draw (`[draws]` each).
    public func evaluate(budget b: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        // Scaled weekly spend, floored at a negligible amount: a Hill slope below 1 has an infinite
        // derivative at zero, and the optimizer needs a finite one.
        let x = max(max(b, 0) / (Double(horizon) * spendScale), 1e-12)
        let dxdb = 1 / (Double(horizon) * spendScale)
        response.evaluate(x: x, values: values, slopes: slopes)
        for d in 0..<beta.count {
            values[d] *= beta[d]
            slopes[d] *= beta[d] * dxdb
        }
    }
}

extension Posterior {
    /// Every channel's response curve over `horizon` periods, from every posterior draw, for a
    /// plan starting `gap` periods after the data's end (default right after it).
    ///
    /// A channel whose effect varies over time (`model.time_varying`) has β scaled by its
    /// multiplier averaged over the plan's periods, weighted by the flight's arriving spend.
    public func responseCurves(horizon: Int, gap: Int = 0) -> [ResponseCurve] {
        if let stack { return stack.responseCurves(horizon: horizon, gap: gap) }  // plans use the stacked draws
        return model.data.channels.enumerated().map { c, name in
            var beta = draws.map { $0.beta[c] }
            if let m = flightEffectiveness(channel: c, start: model.periods + max(gap, 0), horizon: horizon) {
                beta = zip(beta, m).map { $0 * $1 }
            }
            return ResponseCurve(channel: name, saturation: model.specification.saturation, horizon: horizon,
                                 spendScale: model.scales.spend[c], adstockWeights: curves.map { $0[c].weights },
                                 beta: beta, parameters: curves.map { $0[c].saturation })
        }
    }

    /// Each (geo, channel) pair's response curve over `horizon` periods, `[rows]` in `model.rows`
    /// order: a budget spent in that geo alone, read through the channel's shared curve at the
    /// geo's size (spend scale X_c·s_g) and the pair's own β. For national data these are the
    /// channels' curves.
    public func pairCurves(horizon: Int) -> [ResponseCurve] {
        let channels = model.data.channels
        return model.rows.enumerated().map { r, row in
            ResponseCurve(channel: channels[row.channel], saturation: model.specification.saturation, horizon: horizon,
                          spendScale: model.scales.spend[row.channel] * model.geoShare[row.geo],
                          adstockWeights: curves.map { $0[row.channel].weights },
                          beta: draws.map { $0.rowBeta[r] }, parameters: curves.map { $0[row.channel].saturation })
        }
    }

    /// Each draw's normalized carryover weights of channel c, `[draws][maxLag]`, whatever the
    /// adstock family.
    public func adstockWeights(channel c: Int) -> [[Double]] { curves.map { $0[c].weights } }

    /// Each draw's saturation parameters of channel c, `[draws][K]`.
    func saturationParameters(channel c: Int) -> [[Double]] { curves.map { $0[c].saturation } }
}
