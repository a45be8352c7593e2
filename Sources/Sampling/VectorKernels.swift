import Foundation

// Tight loops over raw buffers: the sampler's hot path allocates nothing per leapfrog step.

typealias Vector = UnsafeMutablePointer<Double>

@inline(__always)
func dot(_ a: Vector, _ b: Vector, _ n: Int) -> Double {
    var s0 = 0.0, s1 = 0.0
    var i = 0
    while i + 1 < n {
        s0 += a[i] * b[i]
        s1 += a[i + 1] * b[i + 1]
        i += 2
    }
    if i < n { s0 += a[i] * b[i] }
    return s0 + s1
}

@inline(__always)
func copyVector(_ source: Vector, to destination: Vector, _ n: Int) {
    destination.update(from: source, count: n)
}

/// log(exp(a) + exp(b)) without overflow; -inf is the identity.
@inline(__always)
func logSumExp(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
}
