import Foundation

/// s(a) = a/(a + κ): Michaelis–Menten, a Hill curve of slope 1 — concave from the first dollar,
/// half of its ceiling at a = κ.
struct MichaelisMentenSaturation: SaturationFamily {
    var name: String { "michaelis_menten" }

    func parameters(_ context: ChannelContext) -> [FamilyParameter] {
        // κ near the channel's median weekly spend, as for Hill.
        [FamilyParameter(name: "half_saturation", support: .positive, priorKey: "half_saturation",
                         defaultPrior: .logNormal(mu: log(context.medianScaledSpend), sigma: 0.5))]
    }

    func evaluate(_ a: UnsafePointer<Double>, count: Int, parameters p: UnsafePointer<Double>,
                  value: UnsafeMutablePointer<Double>, dInput: UnsafeMutablePointer<Double>,
                  dParameters: UnsafeMutablePointer<Double>) {
        let kappa = p[0]
        for t in 0..<count {
            let q = 1 / (a[t] + kappa)
            value[t] = a[t] * q
            dInput[t] = kappa * q * q
            dParameters[t] = -a[t] * q * q
        }
    }
}
