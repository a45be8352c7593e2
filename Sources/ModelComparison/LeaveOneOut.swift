import Foundation

/// PSIS leave-one-out cross-validation of one model (Vehtari, Gelman & Gabry 2017): the expected
/// log pointwise predictive density of each observation as if it had been left out, from the
/// posterior draws' pointwise log-likelihood alone.
public struct LeaveOneOut: Sendable {
    /// elpd_loo,i per observation, `[observations]`.
    public let pointwise: [Double]
    /// k̂ per observation, `[observations]`.
    public let paretoK: [Double]
    /// The effective number of parameters per observation: lppdᵢ − elpd_loo,i, `[observations]`.
    public let pointwiseParameters: [Double]
    /// Draws the estimate used (S).
    public let draws: Int

    /// Σᵢ elpd_loo,i.
    public var elpd: Double { pointwise.reduce(0, +) }
    /// √(n·var(elpd_loo,i)) with the sample variance (n − 1 in the denominator), as ArviZ reports it.
    public var standardError: Double { Self.standardError(of: pointwise) }
    /// p_loo = Σ (lppdᵢ − elpd_loo,i).
    public var effectiveParameters: Double { pointwiseParameters.reduce(0, +) }
    /// Observations with k̂ above `ParetoSmoothing.threshold(draws:)`.
    public var badParetoK: Int {
        let limit = ParetoSmoothing.threshold(draws: draws)
        return paretoK.filter { !($0 <= limit) }.count
    }

    /// - Parameters:
    ///   - logLikelihood: log p(yᵢ | θ_s), `[draws][observations]`.
    ///   - relativeEfficiency: ESS / draws of the posterior (1 for independent draws).
    public init(logLikelihood: [[Double]], relativeEfficiency: Double = 1) {
        let S = logLikelihood.count
        let n = logLikelihood.first?.count ?? 0
        var elpd: [Double] = [], ks: [Double] = [], p: [Double] = []
        for i in 0..<n {
            let column = logLikelihood.map { $0[i] }
            let (logWeights, k) = ParetoSmoothing.smooth(logRatios: column.map { -$0 }, relativeEfficiency: relativeEfficiency)
            let e = logSumExp(zip(logWeights, column).map { $0 + $1 })
            let lppd = logSumExp(column) - log(Double(S))
            elpd.append(e); ks.append(k); p.append(lppd - e)
        }
        pointwise = elpd; paretoK = ks; pointwiseParameters = p; draws = S
    }

    static func standardError(of values: [Double]) -> Double {
        let n = Double(values.count)
        guard n > 1 else { return 0 }
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (n * variance).squareRoot()
    }
}
