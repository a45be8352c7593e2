import Foundation

/// Φ⁻¹(p), the standard normal quantile, to full double precision.
///
/// A rational start (Abramowitz & Stegun 26.2.23, error < 4.5·10⁻⁴) refined by Halley steps on
/// Φ(x) − p, with Φ computed through `erfc` so the tails keep their relative accuracy.
public func normalQuantile(_ p: Double) -> Double {
    precondition(p > 0 && p < 1, "normalQuantile needs 0 < p < 1, got \(p)")
    if p == 0.5 { return 0 }
    let lower = min(p, 1 - p)
    let t = (-2 * log(lower)).squareRoot()
    let numerator = 2.515517 + t * (0.802853 + t * 0.010328)
    let denominator = 1 + t * (1.432788 + t * (0.189269 + t * 0.001308))
    var x = -(t - numerator / denominator)  // lower-tail quantile, x < 0
    for _ in 0..<3 {
        let error = 0.5 * erfc(-x / 2.0.squareRoot()) - lower
        let u = error * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
    }
    return p < 0.5 ? x : -x
}
