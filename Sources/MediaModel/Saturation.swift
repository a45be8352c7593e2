import Foundation

/// Diminishing returns of adstocked spend.
public enum SaturationKind: String, Sendable, CaseIterable {
    /// a^k / (a^k + κ^k): half-saturation κ and slope k learned (k > 1 gives an S-curve).
    case hill
    /// (1 − e^(−λa)) / (1 + e^(−λa)): PyMC-Marketing's logistic curve, λ learned.
    case logistic
}

/// A saturation curve's value and partial derivatives at one input.
struct SaturationPoint {
    var value: Double
    /// ∂s/∂a
    var dInput: Double
    /// ∂s/∂(first parameter: κ or λ)
    var dFirst: Double
    /// ∂s/∂(second parameter: k; 0 for logistic)
    var dSecond: Double
}

@inline(__always)
func saturation(_ kind: SaturationKind, _ a: Double, first: Double, second: Double) -> SaturationPoint {
    switch kind {
    case .hill:
        // r = (a/κ)^k, s = r/(1+r); at a = 0 everything vanishes (and a = 0 only when no spend
        // reached this period, where the adstock derivative is 0 too).
        guard a > 0 else { return SaturationPoint(value: 0, dInput: 0, dFirst: 0, dSecond: 0) }
        let logRatio = log(a / first)
        let r = exp(second * logRatio)
        let s = r / (1 + r)
        let ds = s / (1 + r)  // = r/(1+r)², then times dr/d·/r
        return SaturationPoint(value: s, dInput: ds * second / a, dFirst: -ds * second / first,
                               dSecond: ds * logRatio)
    case .logistic:
        let e = exp(-first * a)
        let s = (1 - e) / (1 + e)
        let common = 0.5 * (1 - s * s)
        return SaturationPoint(value: s, dInput: common * first, dFirst: common * a, dSecond: 0)
    }
}
