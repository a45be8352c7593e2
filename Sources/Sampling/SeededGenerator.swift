import Foundation

/// A seeded random stream: xoshiro256++ seeded through SplitMix64.
///
/// Each chain gets `SeededGenerator(seed:stream:)` with its own `stream` index, so draws depend
/// only on (seed, chain) and never on how many cores ran the chains.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var cachedNormal: Double?

    /// - Parameters:
    ///   - seed: the user's seed.
    ///   - stream: an independent stream index (the chain number).
    public init(seed: UInt64, stream: UInt64 = 0) {
        // SplitMix64 turns any (seed, stream) pair into a well-mixed, never all-zero state.
        var x = seed &+ 0x9E37_79B9_7F4A_7C15 &* (stream &+ 1)
        func next() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s0 &+ s3) << 23 | (s0 &+ s3) >> 41) &+ s0
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform on [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Standard normal draw (Box–Muller, pairs cached so no draw is wasted).
    @inline(__always)
    public mutating func normal() -> Double {
        if let z = cachedNormal {
            cachedNormal = nil
            return z
        }
        let u1 = 1.0 - uniform()  // (0, 1]: log is finite
        let u2 = uniform()
        let r = (-2.0 * log(u1)).squareRoot()
        let angle = 2.0 * Double.pi * u2
        cachedNormal = r * sin(angle)
        return r * cos(angle)
    }
}
