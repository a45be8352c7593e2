/// exp and log over arrays, two lanes at a time.
///
/// The model's innermost loop is a Hill curve per channel and period, one log and one exp each;
/// the C library computes them one value at a time through a call. These polynomial versions run
/// in SIMD lanes with no calls or branches and agree with the C library to a few units in the last
/// place (tested), which is far below anything a posterior can see.
public enum VectorMath {
    private static let log2e = 1.4426950408889634
    private static let ln2High = 0.6931471803691238
    private static let ln2Low = 1.9082149292705877e-10
    /// 1.5·2⁵²: adding it rounds a double to an integer held in the low mantissa bits.
    private static let shifter = 6755399441055744.0

    /// eˣ for x in [−708, 709] (clamped outside, so the result stays finite and positive).
    @inline(__always)
    public static func exp(_ x: SIMD2<Double>) -> SIMD2<Double> {
        let x = x.clamped(lowerBound: SIMD2(repeating: -708), upperBound: SIMD2(repeating: 709))
        let t = x * log2e + shifter
        let n = t - shifter
        let r = (x - n * ln2High) - n * ln2Low  // |r| ≤ ln2/2
        // Taylor series of eʳ to degree 13: the remainder is below 5e-18 on |r| ≤ 0.347.
        var p = SIMD2<Double>(repeating: 1.0 / 6227020800)
        p = p * r + 1.0 / 479001600
        p = p * r + 1.0 / 39916800
        p = p * r + 1.0 / 3628800
        p = p * r + 1.0 / 362880
        p = p * r + 1.0 / 40320
        p = p * r + 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // 2ⁿ from n's bits: the low bits of t hold n in two's complement.
        let bits = unsafeBitCast(t, to: SIMD2<UInt64>.self)
        let scale = unsafeBitCast(((bits &+ 1023) & 0x7FF) &<< 52, to: SIMD2<Double>.self)
        return p * scale
    }

    /// log x for normal positive x (the caller handles 0).
    @inline(__always)
    public static func log(_ x: SIMD2<Double>) -> SIMD2<Double> {
        let bits = unsafeBitCast(x, to: SIMD2<UInt64>.self)
        // x = 2ᵉ·m with m in [1, 2), then m folded into [√½, √2).
        var m = unsafeBitCast((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000, to: SIMD2<Double>.self)
        let exponentBits = unsafeBitCast((bits &>> 52) | 0x4330_0000_0000_0000, to: SIMD2<Double>.self)
        var e = exponentBits - (4503599627370496.0 + 1023)
        let high = m .> 1.4142135623730951
        m.replace(with: m * 0.5, where: high)
        e.replace(with: e + 1, where: high)
        // log m = 2·atanh(f), f = (m − 1)/(m + 1), |f| ≤ 0.172: odd series to f²³.
        let f = (m - 1) / (m + 1)
        let s = f * f
        var p = SIMD2<Double>(repeating: 1.0 / 23)
        p = p * s + 1.0 / 21
        p = p * s + 1.0 / 19
        p = p * s + 1.0 / 17
        p = p * s + 1.0 / 15
        p = p * s + 1.0 / 13
        p = p * s + 1.0 / 11
        p = p * s + 1.0 / 9
        p = p * s + 1.0 / 7
        p = p * s + 1.0 / 5
        p = p * s + 1.0 / 3
        let logM = 2 * f + 2 * f * s * p
        return e * ln2High + (logM + e * ln2Low)
    }

    /// out[i] = eˣ⁽ⁱ⁾, `[count]`; `out` may be `x`.
    public static func exp(_ x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, count: Int) {
        apply(x, out, count, exp)
    }

    /// out[i] = log x[i] for positive x, `[count]`; `out` may be `x`.
    public static func log(_ x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, count: Int) {
        apply(x, out, count, log)
    }

    @inline(__always)
    private static func apply(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ count: Int,
                              _ f: (SIMD2<Double>) -> SIMD2<Double>) {
        let xr = UnsafeRawPointer(x), or = UnsafeMutableRawPointer(out)
        var i = 0
        while i + 1 < count {
            or.storeBytes(of: f(xr.loadUnaligned(fromByteOffset: 8 * i, as: SIMD2<Double>.self)), toByteOffset: 8 * i,
                          as: SIMD2<Double>.self)
            i += 2
        }
        if i < count { out[i] = f(SIMD2(repeating: x[i]))[0] }
    }
}
