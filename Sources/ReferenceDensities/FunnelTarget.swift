import Foundation
import Sampling

/// Neal's funnel: v ~ N(0, 3²), xᵢ | v ~ N(0, e^v) for i = 1…n−1.
///
/// Its neck (v ≪ 0) needs a far smaller step than its mouth, so a sampler with one step size
/// either diverges there or silently misses it. A correct sampler reports the divergences.
/// Coordinate 0 is v.
public struct FunnelTarget: LogDensity {
    public let dimension: Int

    /// - Parameter dimension: n, the total number of coordinates (default 10).
    public init(dimension: Int = 10) {
        precondition(dimension >= 2)
        self.dimension = dimension
    }

    public func logDensity(at x: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let v = x[0]
        let k = Double(dimension - 1)
        let precision = exp(-v)
        var sumSquares = 0.0
        for i in 1..<dimension {
            sumSquares += x[i] * x[i]
            gradient[i] = -x[i] * precision
        }
        gradient[0] = -v / 9 + 0.5 * sumSquares * precision - 0.5 * k
        return -v * v / 18 - 0.5 * sumSquares * precision - 0.5 * k * v
    }
}
