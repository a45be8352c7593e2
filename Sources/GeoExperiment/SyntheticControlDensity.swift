import Foundation
import Sampling

/// The log posterior of the synthetic control, on scaled data:
///
///     y_t = a + Σ_j w_j · x_{j,t} + Σ_k f_k · φ_{k,t} + ε_t,   ε_t ~ Normal(0, σ)
///
/// `y` is the treated geos' summed target divided by its pre-period mean, `x_j` control geo j's
/// target divided by its own pre-period mean, minus 1 (centred), `φ_k` the treated geos' own
/// seasonality (Fourier terms). So the intercept is the treated level (near 1) and the weights read
/// as "how much of control j's movements"; a synthetic control that copies the controls' average
/// has weights summing to about 1. Centring the controls separates the level, which the data pin
/// tightly, from the weights, which they pin loosely: uncentred, the two trade off along a curved
/// ridge (w = eᵘ) that took NUTS hundreds of leapfrog steps per draw.
///
/// Why this shape: non-negative weights keep the counterfactual an interpolation of real regions
/// (a regression free to subtract geos overfits 20+ collinear controls on 1–2 years of weeks);
/// the half-normal prior shrinks weights toward 0 so that uninformative controls drop out rather
/// than add variance; the intercept absorbs a constant level gap (as in a difference-in-differences);
/// the Fourier terms, shrunk toward 0, take the seasonality the treated geos do not share with
/// the controls. Normal noise with a learned σ enters the posterior predictive, so the
/// counterfactual's band includes what a week varies by itself.
///
/// Coordinates, `[dimension]` = `[1 + J + K + 1]`: the intercept a; u_j = log w_j (J of them);
/// f_k (K of them); log σ. The log-Jacobians of w = eᵘ and σ = e^{log σ} are included.
/// The gradient is written by hand (a few lines; tested against central finite differences).
public struct SyntheticControlDensity: LogDensity {
    /// The scaled treated target, `[periods]`.
    public let y: [Double]
    /// The scaled control targets, `[controls, periods]` row-major.
    public let x: [Double]
    /// Seasonal features, `[K, periods]` row-major.
    public let features: [Double]
    public let controls: Int, featureCount: Int, periods: Int
    public let priors: SyntheticControlPriors
    /// Residuals and weights of one evaluation: one buffer per chain (`forChain`), so a gradient
    /// allocates nothing.
    private let scratch: Scratch

    public init(y: [Double], x: [Double], controls: Int, features: [Double], featureCount: Int,
                priors: SyntheticControlPriors) {
        precondition(x.count == controls * y.count && features.count == featureCount * y.count,
                     "SyntheticControlDensity: shapes disagree")
        self.y = y; self.x = x; self.features = features
        self.controls = controls; self.featureCount = featureCount; self.periods = y.count
        self.priors = priors
        scratch = Scratch(periods: y.count, controls: controls)
    }

    private init(copying other: SyntheticControlDensity) {
        y = other.y; x = other.x; features = other.features
        controls = other.controls; featureCount = other.featureCount; periods = other.periods
        priors = other.priors
        scratch = Scratch(periods: other.periods, controls: other.controls)
    }

    public func forChain() -> any LogDensity { SyntheticControlDensity(copying: self) }

    public var dimension: Int { 2 + controls + featureCount }

    public func logDensity(at q: UnsafeBufferPointer<Double>, gradient g: UnsafeMutableBufferPointer<Double>) -> Double {
        let J = controls, K = featureCount, T = periods
        let a = q[0], logSigma = q[1 + J + K]
        let sigma = exp(logSigma)
        guard sigma.isFinite, sigma > 0 else { return -.infinity }
        for i in 0..<dimension { g[i] = 0 }
        // Residuals r_t = y_t − μ_t.
        let r = scratch.residuals, weights = scratch.weights
        for t in 0..<T { r[t] = y[t] - a }
        for j in 0..<J {
            let w = exp(q[1 + j])
            guard w.isFinite else { return -.infinity }
            weights[j] = w
            let base = j * T
            for t in 0..<T { r[t] -= w * x[base + t] }
        }
        for k in 0..<K {
            let f = q[1 + J + k], base = k * T
            for t in 0..<T { r[t] -= f * features[base + t] }
        }
        let precision = 1 / (sigma * sigma)
        var sumSquares = 0.0, sumR = 0.0
        for t in 0..<T { sumSquares += r[t] * r[t]; sumR += r[t] }
        var logp = -Double(T) * logSigma - 0.5 * sumSquares * precision
        // ∂ℓ/∂μ_t = r_t/σ², pushed to each coordinate.
        g[0] = sumR * precision
        for j in 0..<J {
            let base = j * T
            var dot = 0.0
            for t in 0..<T { dot += r[t] * x[base + t] }
            g[1 + j] = weights[j] * dot * precision
        }
        for k in 0..<K {
            let base = k * T
            var dot = 0.0
            for t in 0..<T { dot += r[t] * features[base + t] }
            g[1 + J + k] = dot * precision
        }
        g[1 + J + K] = -Double(T) + sumSquares * precision

        // Priors. a ~ Normal(interceptMean, interceptSD).
        let ia = 1 / (priors.interceptSD * priors.interceptSD), da = a - priors.interceptMean
        logp -= 0.5 * da * da * ia
        g[0] -= da * ia
        // w_j ~ HalfNormal(weightScale), with log-Jacobian u_j.
        let iw = 1 / (priors.weightScale * priors.weightScale)
        for j in 0..<J {
            let w = weights[j]
            logp += -0.5 * w * w * iw + q[1 + j]
            g[1 + j] += -w * w * iw + 1
        }
        // f_k ~ Normal(0, seasonalitySD).
        let iff = 1 / (priors.seasonalitySD * priors.seasonalitySD)
        for k in 0..<K {
            let f = q[1 + J + k]
            logp -= 0.5 * f * f * iff
            g[1 + J + k] -= f * iff
        }
        // σ ~ HalfNormal(sigmaScale), with log-Jacobian log σ.
        let isg = 1 / (priors.sigmaScale * priors.sigmaScale)
        logp += -0.5 * sigma * sigma * isg + logSigma
        g[1 + J + K] += -sigma * sigma * isg + 1
        return logp.isFinite ? logp : -.infinity
    }
}

/// Per-chain buffers of `SyntheticControlDensity`: residuals `[periods]` and weights `[controls]`.
private final class Scratch: @unchecked Sendable {
    let residuals: UnsafeMutablePointer<Double>
    let weights: UnsafeMutablePointer<Double>

    init(periods: Int, controls: Int) {
        residuals = .allocate(capacity: max(periods, 1))
        residuals.initialize(repeating: 0, count: max(periods, 1))
        weights = .allocate(capacity: max(controls, 1))
        weights.initialize(repeating: 0, count: max(controls, 1))
    }

    deinit {
        residuals.deallocate()
        weights.deallocate()
    }
}

/// Prior scales of the synthetic control, in the scaled units of `SyntheticControlDensity` (the
/// treated target's pre-period mean is 1).
public struct SyntheticControlPriors: Sendable, Equatable {
    /// Intercept a ~ Normal(interceptMean, interceptSD) (defaults 1 and 0.5: the treated level,
    /// which is 1 in these units, give or take half of it).
    public var interceptMean = 1.0
    public var interceptSD = 0.5
    /// Each weight w_j ~ HalfNormal(weightScale); default 1/√J (set by `forControls`), so a handful
    /// of controls can carry the fit while the sum over J weights stays near 1 a priori.
    public var weightScale = 0.3
    /// Each Fourier coefficient ~ Normal(0, seasonalitySD) (default 0.05: a 5% own-seasonal swing).
    public var seasonalitySD = 0.05
    /// σ ~ HalfNormal(sigmaScale) (default 0.2: 20% of the treated level per period).
    public var sigmaScale = 0.2

    public init() {}

    /// The defaults for `controls` control geos.
    public static func forControls(_ controls: Int) -> SyntheticControlPriors {
        var p = SyntheticControlPriors()
        p.weightScale = 1 / Double(max(controls, 1)).squareRoot()
        return p
    }
}
