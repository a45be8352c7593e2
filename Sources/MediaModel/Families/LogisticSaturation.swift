import Autodiff
import Foundation

/// s(a) = (1 − e^(−λa))/(1 + e^(−λa)): PyMC-Marketing's logistic curve, λ learned.
struct LogisticSaturation: SaturationFamily {
    var name: String { "logistic" }

    func parameters(_ context: ChannelContext) -> [FamilyParameter] {
        // The curve reaches half its ceiling at a = ln 3/λ: λ's median puts that point at the
        // channel's median weekly spend, 90% within 0.44–2.3× it (as Hill's κ). PyMC-Marketing's
        // Gamma(3, 1) ignores where the channel's spend lies.
        [FamilyParameter(name: "saturation_lambda", support: .positive, priorKey: "lambda",
                         defaultPrior: .logNormal(mu: log(log(3) / context.medianScaledSpend), sigma: 0.5))]
    }

    func evaluate(_ a: UnsafePointer<Double>, count: Int, parameters p: UnsafePointer<Double>,
                  value: UnsafeMutablePointer<Double>, dInput: UnsafeMutablePointer<Double>,
                  dParameters: UnsafeMutablePointer<Double>) {
        let lambda = p[0]
        // value holds −λa, then e^(−λa), until the last pass.
        for t in 0..<count { value[t] = -lambda * a[t] }
        VectorMath.exp(value, into: value, count: count)
        for t in 0..<count {
            let e = value[t]
            let s = (1 - e) / (1 + e)
            let common = 0.5 * (1 - s * s)
            value[t] = s
            dInput[t] = common * lambda
            dParameters[t] = common * a[t]
        }
    }
}
