import Foundation

/// How a flat flight reaches each period, per draw: spend x in each of the plan's H periods
/// arrives in period t as x·cₜ, cₜ the sum of the normalized carry weights of the lags that
/// connect them. Counted periods are the horizon plus the carryover tail.
///
/// When the horizon is at least the carryover length, periods L−1 … H−1 all receive the full
/// carry: their terms are equal, so they are kept once (`plateau`) and counted `plateauLength`
/// times. With H = 13 and L = 8 that is 14 terms per draw instead of 21.
public struct FlightCarry: Sendable {
    /// Entries per draw in `carry`: the periods outside the plateau, padded with zero carry to an
    /// even length for two-wide arithmetic.
    public let rowLength: Int
    /// `[draws, rowLength]`.
    public let carry: [Double]
    /// The plateau's carry per draw, `[draws]` (unused when `plateauLength` is 0).
    public let plateau: [Double]
    public let plateauLength: Int

    public var drawCount: Int { plateau.count }

    /// - Parameter weights: normalized carry weights per draw, `[draws][maxLag]`.
    public init(horizon: Int, weights: [[Double]]) {
        let lags = weights.first?.count ?? 1
        let periods = horizon + lags - 1
        let plateauLength = horizon - lags + 1 >= 2 ? horizon - lags + 1 : 0
        let plateauRange = plateauLength > 0 ? (lags - 1)..<horizon : 0..<0
        let unpadded = periods - plateauLength
        rowLength = unpadded + unpadded % 2
        self.plateauLength = plateauLength
        var carry: [Double] = [], plateau: [Double] = []
        carry.reserveCapacity(weights.count * rowLength)
        for w in weights {
            var full = 0.0
            for t in 0..<periods {
                // Spend in periods 0…H−1 reaches period t through lags t−H+1 … t.
                var c = 0.0
                for l in max(0, t - horizon + 1)...min(t, lags - 1) { c += w[l] }
                if plateauRange.contains(t) { full = c } else { carry.append(c) }
            }
            if unpadded % 2 == 1 { carry.append(0) }
            plateau.append(full)
        }
        self.carry = carry
        self.plateau = plateau
    }

    private init(rowLength: Int, carry: [Double], plateau: [Double], plateauLength: Int) {
        self.rowLength = rowLength; self.carry = carry; self.plateau = plateau; self.plateauLength = plateauLength
    }

    /// The carry of draws `indices`.
    public func subset(_ indices: [Int]) -> FlightCarry {
        FlightCarry(rowLength: rowLength, carry: indices.flatMap { carry[($0 * rowLength)..<(($0 + 1) * rowLength)] },
                    plateau: indices.map { plateau[$0] }, plateauLength: plateauLength)
    }
}

/// Σₜ s(x·cₜ) over a flat flight's counted periods for every draw, and its derivative in x:
/// the saturation part of a channel's response to weekly spend x (scaled units).
public protocol FlightResponse: Sendable {
    var drawCount: Int { get }
    /// Writes the sum per draw into `values` and d/dx into `slopes`, both `[drawCount]`.
    func evaluate(x: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>)
    /// The same response on draws `indices`.
    func subset(_ indices: [Int]) -> any FlightResponse
}

/// Any family's flight response, through the family's own curve.
struct GenericFlightResponse: FlightResponse {
    let family: any SaturationFamily
    let carry: FlightCarry
    /// Constrained saturation parameters, `[draws, K]`.
    let parameters: [Double]
    var drawCount: Int { carry.drawCount }

    func evaluate(x: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        let n = carry.rowLength + 1, k = parameters.count / max(drawCount, 1)
        let m = Double(carry.plateauLength)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: n * (4 + k)) { buffer in
            let c = buffer.baseAddress!, a = c + n, s = a + n, ds = s + n, dp = ds + n
            parameters.withUnsafeBufferPointer { p in
                for d in 0..<drawCount {
                    for t in 0..<carry.rowLength { c[t] = carry.carry[d * carry.rowLength + t] }
                    c[n - 1] = carry.plateau[d]
                    for t in 0..<n { a[t] = x * c[t] }
                    family.evaluate(a, count: n, parameters: p.baseAddress! + d * k, value: s, dInput: ds, dParameters: dp)
                    var v = m * s[n - 1], slope = m * ds[n - 1] * c[n - 1]
                    for t in 0..<(n - 1) { v += s[t]; slope += ds[t] * c[t] }
                    values[d] = v
                    slopes[d] = slope
                }
            }
        }
    }

    func subset(_ indices: [Int]) -> any FlightResponse {
        let k = parameters.count / max(drawCount, 1)
        return GenericFlightResponse(family: family, carry: carry.subset(indices),
                                     parameters: indices.flatMap { parameters[($0 * k)..<(($0 + 1) * k)] })
    }
}
