import Autodiff
import Foundation

/// s(a) = aᵏ/(aᵏ + κᵏ): half-saturation κ and slope k learned (k > 1 gives an S-curve).
struct HillSaturation: SaturationFamily {
    var name: String { "hill" }

    func parameters(_ context: ChannelContext) -> [FamilyParameter] {
        // κ: median at the channel's median weekly spend, 90% within 0.44–2.3× it, so the bend
        // stays where the data can see it; slope: median 1 (Michaelis–Menten), 90% within
        // 0.52–1.93, so an S-curve needs the data's say-so and a small channel cannot buy a large
        // ROAS with a steep curve it never tested (README.md, "Default priors").
        [FamilyParameter(name: "half_saturation", support: .positive, priorKey: "half_saturation",
                         defaultPrior: .logNormal(mu: log(context.medianScaledSpend), sigma: 0.5)),
         FamilyParameter(name: "hill_slope", support: .positive, priorKey: "slope", defaultPrior: .logNormal(mu: 0, sigma: 0.4))]
    }

    func evaluate(_ a: UnsafePointer<Double>, count: Int, parameters p: UnsafePointer<Double>,
                  value: UnsafeMutablePointer<Double>, dInput: UnsafeMutablePointer<Double>,
                  dParameters: UnsafeMutablePointer<Double>) {
        let kappa = p[0], k = p[1]
        let logKappa = log(kappa), slopeOverKappa = k / kappa
        let dKappa = dParameters, dSlope = dParameters + count
        // r = (a/κ)ᵏ = exp(k·(log a − log κ)), s = r/(1+r); eight lanes at a time with the
        // lane-wise log and exp (this is the model's innermost loop), then the few a = 0 (no
        // spend has reached the period yet), where everything vanishes, set apart.
        typealias Lanes = VectorMath.Lanes
        @inline(__always) func lanes(_ a: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
            let logRatio = VectorMath.log(a) - logKappa
            var exponent = k * logRatio
            exponent.replace(with: 600, where: exponent .> 600)  // keeps (1 + r)·a finite below
            let r = VectorMath.exp(exponent)
            // One division for both 1/(1 + r) and 1/a.
            let onePlusR = 1 + r
            let inverse = 1 / (onePlusR * a)
            let q = a * inverse
            let sat = r * q, ds = sat * q
            return (sat, ds * k * (onePlusR * inverse), -ds * slopeOverKappa, ds * logRatio)
        }
        let ar = UnsafeRawPointer(a)
        let ov = UnsafeMutableRawPointer(value), oi = UnsafeMutableRawPointer(dInput)
        let ok = UnsafeMutableRawPointer(dKappa), on = UnsafeMutableRawPointer(dSlope)
        let width = Lanes.scalarCount
        var t = 0
        while t + width <= count {
            let (s, di, dk, dn) = lanes(ar.loadUnaligned(fromByteOffset: 8 * t, as: Lanes.self))
            ov.storeBytes(of: s, toByteOffset: 8 * t, as: Lanes.self)
            oi.storeBytes(of: di, toByteOffset: 8 * t, as: Lanes.self)
            ok.storeBytes(of: dk, toByteOffset: 8 * t, as: Lanes.self)
            on.storeBytes(of: dn, toByteOffset: 8 * t, as: Lanes.self)
            t += width
        }
        if t < count {
            // The last few periods in one padded pass.
            var tail = Lanes(repeating: 1)
            for j in 0..<(count - t) { tail[j] = a[t + j] }
            let (s, di, dk, dn) = lanes(tail)
            for j in 0..<(count - t) {
                value[t + j] = s[j]; dInput[t + j] = di[j]; dKappa[t + j] = dk[j]; dSlope[t + j] = dn[j]
            }
        }
        for t in 0..<count where !(a[t] > 0) {
            value[t] = 0; dInput[t] = 0; dKappa[t] = 0; dSlope[t] = 0
        }
    }

    func flightResponse(_ carry: FlightCarry, parameters: [Double]) -> any FlightResponse {
        HillFlightResponse(carry: carry, parameters: parameters)
    }
}

/// The Hill flight response rearranged for planning: with u = xᵏ, each term is u·cₜᵏ/(u·cₜᵏ + κᵏ),
/// so cₜᵏ and κᵏ are computed once per draw and an evaluation needs one exp per channel-draw
/// instead of a log and an exp per period (equal to the generic response; tested).
struct HillFlightResponse: FlightResponse {
    let carry: FlightCarry
    /// cₜᵏ per draw, `[draws, rowLength]` (padding stays 0), and the plateau's, `[draws]`.
    let poweredCarry: [Double]
    let poweredPlateau: [Double]
    /// κᵏ and k per draw.
    let halfSaturationPower: [Double]
    let slope: [Double]
    var drawCount: Int { slope.count }

    init(carry: FlightCarry, parameters: [Double]) {
        self.carry = carry
        let n = carry.rowLength
        var powered = [Double](), plateau = [Double](), kappaK = [Double](), slope = [Double]()
        powered.reserveCapacity(carry.carry.count)
        for d in 0..<carry.drawCount {
            let kappa = parameters[2 * d], k = parameters[2 * d + 1]
            for t in 0..<n { powered.append(pow(carry.carry[d * n + t], k)) }
            plateau.append(pow(carry.plateau[d], k))
            kappaK.append(pow(kappa, k))
            slope.append(k)
        }
        poweredCarry = powered; poweredPlateau = plateau; halfSaturationPower = kappaK; self.slope = slope
    }

    private init(carry: FlightCarry, poweredCarry: [Double], poweredPlateau: [Double], halfSaturationPower: [Double], slope: [Double]) {
        self.carry = carry; self.poweredCarry = poweredCarry; self.poweredPlateau = poweredPlateau
        self.halfSaturationPower = halfSaturationPower; self.slope = slope
    }

    func subset(_ indices: [Int]) -> any FlightResponse {
        let n = carry.rowLength
        return HillFlightResponse(carry: carry.subset(indices),
                                  poweredCarry: indices.flatMap { poweredCarry[($0 * n)..<(($0 + 1) * n)] },
                                  poweredPlateau: indices.map { poweredPlateau[$0] },
                                  halfSaturationPower: indices.map { halfSaturationPower[$0] },
                                  slope: indices.map { slope[$0] })
    }

    func evaluate(x: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        // x^k = exp(k·log x): one logarithm per channel instead of a power per draw.
        let logX = log(x)
        let m = Double(carry.plateauLength), n = carry.rowLength
        poweredCarry.withUnsafeBufferPointer { carry in
            for d in 0..<drawCount {
                let k = slope[d], u = exp(k * logX), kappa = halfSaturationPower[d]
                // The plateau, counted m times, then the row two periods at a time (it is padded
                // with zero carry, which adds nothing), in two independent sums so the divisions
                // overlap instead of queueing.
                let rp = u * poweredPlateau[d], ip = 1 / (rp + kappa)
                let uu = SIMD2(repeating: u), kk = SIMD2(repeating: kappa)
                var va = SIMD2(m * rp * ip, 0), vb = SIMD2<Double>.zero
                var sa = SIMD2(m * rp * ip * ip, 0), sb = SIMD2<Double>.zero
                let row = UnsafeRawPointer(carry.baseAddress! + d * n)
                var t = 0
                while t + 3 < n {
                    let ra = uu * row.loadUnaligned(fromByteOffset: 8 * t, as: SIMD2<Double>.self)
                    let rb = uu * row.loadUnaligned(fromByteOffset: 8 * (t + 2), as: SIMD2<Double>.self)
                    let ia = 1 / (ra + kk), ib = 1 / (rb + kk)
                    let qa = ra * ia, qb = rb * ib
                    va += qa; vb += qb
                    sa += qa * ia; sb += qb * ib
                    t += 4
                }
                if t < n {
                    let ra = uu * row.loadUnaligned(fromByteOffset: 8 * t, as: SIMD2<Double>.self)
                    let ia = 1 / (ra + kk), qa = ra * ia
                    va += qa; sa += qa * ia
                }
                let vs = va + vb, ss = sa + sb
                values[d] = vs[0] + vs[1]
                // d/dx Σ r/(r+κᵏ) = Σ k·r·κᵏ/((r+κᵏ)²·x).
                slopes[d] = k * (ss[0] + ss[1]) * kappa / x
            }
        }
    }
}
