import Foundation

/// Weights αˡ: the effect peaks in the week of spend and decays by α each week.
struct GeometricAdstock: AdstockFamily {
    var name: String { "geometric" }

    func parameters(_ context: ChannelContext) -> [FamilyParameter] {
        [FamilyParameter(name: "adstock_alpha", support: .unitInterval, priorKey: "adstock", defaultPrior: .beta(a: 1, b: 3), start: 0.3)]
    }

    func weights(_ p: UnsafePointer<Double>, maxLag: Int, into w: UnsafeMutablePointer<Double>, partials: UnsafeMutablePointer<Double>) {
        let alpha = p[0]
        var power = 1.0  // αˡ
        for l in 0..<maxLag {
            w[l] = power
            partials[l] = l == 0 ? 0 : Double(l) * power / alpha
            power *= alpha
        }
    }
}
