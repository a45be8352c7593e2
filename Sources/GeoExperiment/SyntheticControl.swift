import Foundation
import Sampling

/// A synthetic control fitted by NUTS: the treated series explained by control series over a
/// fitting range, and its posterior predictive (noise included) at any period.
public struct SyntheticControl: Sendable {
    /// Yearly Fourier pairs for the treated geos' own seasonality (1: one sine and one cosine).
    public static let fourierOrder = 1

    /// The treated series' fitting-range mean: the model's unit.
    public let treatedScale: Double
    /// Each control's fitting-range mean, `[controls]`.
    public let controlScales: [Double]
    /// Periods in a year (52.18 for weeks), the Fourier terms' period.
    public let periodsPerYear: Double
    public let sampling: SamplingResult
    let controls: Int

    /// Fits `treated ≈ a + Σ w_j (control_j / mean_j − 1) + seasonality` over `fit` (period
    /// indices), in units of the treated series' mean (see `SyntheticControlDensity`).
    ///
    /// - Parameters:
    ///   - treated: the treated geos' summed target, `[periods]` (the whole history).
    ///   - controls: each control geo's target, `[controls][periods]`.
    ///   - fit: the periods to fit on (the pre-period).
    ///   - configuration: the sampler's settings; starting points are set here (near equal weights).
    public init(treated: [Double], controls: [[Double]], fit: Range<Int>, periodsPerYear: Double,
                configuration: SamplerConfiguration,
                progress: (@Sendable (SamplingProgress) -> Void)? = nil) throws {
        let J = controls.count, T = fit.count
        precondition(J >= 1 && T >= 2, "SyntheticControl: needs a control and two periods")
        let mean: ([Double]) -> Double = { s in fit.reduce(0) { $0 + s[$1] } / Double(T) }
        let yScale = mean(treated)
        let xScales = controls.map(mean)
        guard yScale > 0, xScales.allSatisfy({ $0 > 0 }) else {
            throw GeoExperimentError.invalid("every geo's target must have a positive mean over the pre-period")
        }
        let y = fit.map { treated[$0] / yScale }
        var x = [Double](); x.reserveCapacity(J * T)
        for (j, series) in controls.enumerated() { x += fit.map { series[$0] / xScales[j] - 1 } }
        let K = 2 * Self.fourierOrder
        var features = [Double](); features.reserveCapacity(K * T)
        for k in 0..<K { features += fit.map { Self.feature(k, period: $0, periodsPerYear: periodsPerYear) } }
        let density = SyntheticControlDensity(y: y, x: x, controls: J, features: features, featureCount: K,
                                              priors: .forControls(J))
        // Start every chain near the plain average of the controls (w_j = 1/J) with a small σ,
        // jittered per chain, rather than uniform on [−2, 2] where the weights would be far off.
        var config = configuration
        var rng = SeededGenerator(seed: configuration.seed, stream: 1_000)
        config.initialPoints = (0..<config.chains).map { _ in
            [1 + 0.02 * rng.normal()] + (0..<J).map { _ in log(1 / Double(J)) + 0.3 * rng.normal() }
                + (0..<K).map { _ in 0.01 * rng.normal() } + [log(0.05) + 0.3 * rng.normal()]
        }
        sampling = try NUTSSampler(configuration: config).sample(density, progress: progress)
        treatedScale = yScale
        controlScales = xScales
        self.periodsPerYear = periodsPerYear
        self.controls = J
    }

    /// Fourier feature k (sin, cos, sin 2·, cos 2·…) at a period index.
    static func feature(_ k: Int, period t: Int, periodsPerYear: Double) -> Double {
        let angle = 2 * Double.pi * Double(k / 2 + 1) * Double(t) / periodsPerYear
        return k % 2 == 0 ? sin(angle) : cos(angle)
    }

    /// The posterior predictive of the treated series at `periods`, in the data's units,
    /// `[draws][periods.count]`, chains in order. Noise is drawn from a stream of `seed`, so the
    /// same fit and seed give the same numbers.
    /// - Parameter noise: include the observation noise (true for a counterfactual band), or give
    ///   the mean μ only.
    public func predict(treatedControls controlsSeries: [[Double]], periods: Range<Int>, noise: Bool, seed: UInt64) -> [[Double]] {
        let J = controls, K = 2 * Self.fourierOrder
        var rng = SeededGenerator(seed: seed, stream: 2_000)
        var out: [[Double]] = []
        for chain in sampling.chains {
            for d in 0..<chain.drawCount {
                let q = chain.draws[(d * chain.dimension)..<((d + 1) * chain.dimension)]
                let base = q.startIndex
                let a = q[base], sigma = exp(q[base + 1 + J + K])
                let weightsTotal = (0..<J).map { exp(q[base + 1 + $0]) }
                let weights = (0..<J).map { weightsTotal[$0] / controlScales[$0] }
                out.append(periods.map { t in
                    var mu = a
                    for k in 0..<K { mu += q[base + 1 + J + k] * Self.feature(k, period: t, periodsPerYear: periodsPerYear) }
                    var sum = 0.0
                    for j in 0..<J { sum += weights[j] * controlsSeries[j][t] - weightsTotal[j] }
                    let e = noise ? sigma * rng.normal() : 0
                    return (mu + sum + e) * treatedScale
                })
            }
        }
        return out
    }

    /// The weights w_j's posterior means, `[controls]`, in scaled units (share of control j's pattern).
    public var meanWeights: [Double] {
        (0..<controls).map { j in
            let values = sampling.coordinate(1 + j).flatMap { $0 }
            return values.reduce(0) { $0 + exp($1) } / Double(max(values.count, 1))
        }
    }

    /// Convergence of the sampled coordinates: the largest R-hat, the smallest bulk ESS and the
    /// number of divergent draws.
    public var convergence: (maxRHat: Double, minBulkESS: Double, divergences: Int) {
        let summaries = (0..<sampling.dimension).map { sampling.summary(ofCoordinate: $0) }
        return (summaries.map(\.rHat).filter { !$0.isNaN }.max() ?? .nan,
                summaries.map(\.essBulk).filter { !$0.isNaN }.min() ?? .nan,
                sampling.divergences)
    }
}

/// A geo experiment that cannot be analysed as asked.
public enum GeoExperimentError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let why): why }
    }
}
