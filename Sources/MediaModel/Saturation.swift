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

/// `saturation` over a series of `count` inputs, writing each output series (`[count]` each).
///
/// The same arithmetic as the scalar function, arranged in passes: all logarithms, then all
/// exponentials, then the divisions, which are independent across periods and so overlap instead
/// of waiting on each other. This is the model's innermost loop.
func saturateSeries(_ kind: SaturationKind, _ a: UnsafePointer<Double>, count: Int, first: Double, second: Double,
                    value: UnsafeMutablePointer<Double>, dInput: UnsafeMutablePointer<Double>,
                    dFirst: UnsafeMutablePointer<Double>, dSecond: UnsafeMutablePointer<Double>) {
    switch kind {
    case .hill:
        // dSecond holds log(a/κ) and value holds r = (a/κ)^k until the last pass.
        let logKappa = log(first), slopeOverKappa = second / first
        for t in 0..<count { dSecond[t] = a[t] > 0 ? log(a[t]) - logKappa : 0 }
        for t in 0..<count { value[t] = exp(second * dSecond[t]) }
        for t in 0..<count {
            let positive = a[t] > 0
            let r = value[t], q = 1 / (1 + r)
            let s = r * q, ds = s * q
            value[t] = positive ? s : 0
            dInput[t] = positive ? ds * second / a[t] : 0
            dFirst[t] = positive ? -ds * slopeOverKappa : 0
            dSecond[t] = positive ? ds * dSecond[t] : 0
        }
    case .logistic:
        // value holds e^(−λa) until the last pass.
        for t in 0..<count { value[t] = exp(-first * a[t]) }
        for t in 0..<count {
            let e = value[t]
            let s = (1 - e) / (1 + e)
            let common = 0.5 * (1 - s * s)
            value[t] = s
            dInput[t] = common * first
            dFirst[t] = common * a[t]
            dSecond[t] = 0
        }
    }
}
