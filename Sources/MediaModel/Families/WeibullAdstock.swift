import Foundation

/// Weibull-CDF carryover (Robyn's and PyMC-Marketing's `weibull` with the CDF type): each week
/// keeps the share 1 − F(j) of the previous week's effect, F the Weibull CDF of scale λ and shape
/// k, so w̃ₗ = Πⱼ₌₁ˡ e^(−(j/λ)ᵏ) = exp(−Σⱼ₌₁ˡ (j/λ)ᵏ). Shape k < 1 gives a long tail after a fast
/// drop; k > 1 holds the effect for about λ weeks, then lets it go.
struct WeibullAdstock: AdstockFamily {
    var name: String { "weibull" }

    func parameters(_ context: ChannelContext) -> [FamilyParameter] {
        // Scale: median 2 weeks, 95% within about 0.5–8 weeks; shape near 1 (geometric-like).
        [FamilyParameter(name: "adstock_lambda", support: .positive, priorKey: "adstock_lambda",
                         defaultPrior: .logNormal(mu: log(2), sigma: 0.7)),
         FamilyParameter(name: "adstock_shape", support: .positive, priorKey: "adstock_shape",
                         defaultPrior: .logNormal(mu: 0, sigma: 0.5))]
    }

    func weights(_ p: UnsafePointer<Double>, maxLag: Int, into w: UnsafeMutablePointer<Double>, partials: UnsafeMutablePointer<Double>) {
        let lambda = p[0], k = p[1]
        // c = Σⱼ (j/λ)ᵏ and its k-derivative Σⱼ (j/λ)ᵏ·log(j/λ), accumulated lag by lag.
        var c = 0.0, cK = 0.0
        for l in 0..<maxLag {
            if l > 0 {
                let logRatio = log(Double(l) / lambda), term = exp(k * logRatio)
                c += term
                cK += term * logRatio
            }
            let wl = exp(-c)
            w[l] = wl
            partials[l] = wl * k * c / lambda   // ∂c/∂λ = −(k/λ)·c
            partials[maxLag + l] = -wl * cK
        }
    }
}
