import Foundation
@testable import BudgetOptimization

/// r_d(b) = a_d·log(1 + k·b): concave, with a closed-form optimum for the mean.
struct LogResponse: ChannelResponse {
    let a: [Double]
    let k: Double
    var drawCount: Int { a.count }
    func evaluate(budget b: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        for d in a.indices {
            values[d] = a[d] * log1p(k * b)
            slopes[d] = a[d] * k / (1 + k * b)
        }
    }
}

/// r_d(b) = a_d·√b.
struct SqrtResponse: ChannelResponse {
    let a: [Double]
    var drawCount: Int { a.count }
    func evaluate(budget b: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        let root = max(b, 0).squareRoot()
        for d in a.indices {
            values[d] = a[d] * root
            slopes[d] = a[d] / (2 * max(root, 1e-9))
        }
    }
}

/// Draws a_d = mean·(1 + spread·z_d) from a seeded stream (kept positive).
func draws(mean: Double, spread: Double, count: Int, seed: UInt64) -> [Double] {
    var rng = SplitMix(seed: seed)
    return (0..<count).map { _ in max(mean * (1 + spread * rng.normal()), 1e-6 * mean) }
}

/// r_d(b) = a_d·bˢ/(bˢ + κˢ): S-shaped when s > 1, like the media-mix model's Hill curves.
struct HillResponse: ChannelResponse {
    let a: [Double]
    let kappa: Double
    let slope: Double
    var drawCount: Int { a.count }
    func evaluate(budget b: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        let x = max(b, 1e-12) / kappa
        let u = pow(x, slope), share = u / (1 + u)
        let dshare = slope * u / ((1 + u) * (1 + u) * max(b, 1e-12))
        for d in a.indices {
            values[d] = a[d] * share
            slopes[d] = a[d] * dshare
        }
    }
}
