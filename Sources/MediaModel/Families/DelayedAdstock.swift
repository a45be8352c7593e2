import Foundation

/// Weights α^((l−θ)²): the effect peaks θ periods after the spend.
struct DelayedAdstock: AdstockFamily {
    var name: String { "delayed" }

    func parameters(_ context: ChannelContext) -> [FamilyParameter] {
        [FamilyParameter(name: "adstock_alpha", support: .unitInterval, priorKey: "adstock", defaultPrior: .beta(a: 1, b: 3), start: 0.3),
         FamilyParameter(name: "adstock_peak", support: .interval(lower: 0, upper: Double(context.maxLag - 1)), priorKey: "peak",
                         defaultPrior: .normal(mean: 1, sd: 2), start: Double(context.maxLag - 1) / 2)]
    }

    func weights(_ p: UnsafePointer<Double>, maxLag: Int, into w: UnsafeMutablePointer<Double>, partials: UnsafeMutablePointer<Double>) {
        let alpha = p[0], peak = p[1], logAlpha = log(alpha)
        for l in 0..<maxLag {
            let d = Double(l) - peak
            let wl = exp(d * d * logAlpha)
            w[l] = wl
            partials[l] = d * d * wl / alpha
            partials[maxLag + l] = -2 * d * logAlpha * wl
        }
    }
}
