import Foundation

/// One channel's revenue as a function of a spend schedule over the planned periods, once per
/// posterior draw, with the carry-in from the data's last periods.
///
/// Period τ of the plan (τ = 0 … H+L−2: the horizon and the carryover tail) receives the
/// adstocked input a_τ = h_τ + Σₗ wₗ·x_{τ−l}, x the scaled spend and h the carry-in from history
/// through the same draw's normalized weights; the channel adds β·s(a_τ) there. The revenue a
/// schedule buys is β·Σ_τ [s(a_τ) − s(h_τ)]: what the carry-in earns alone is already paid for.
public struct ScheduleCurve: Sendable {
    public let channel: String
    /// Planned periods H.
    public let periods: Int
    /// Carryover length L.
    public let maxLag: Int
    /// Saturation reads spend / spendScale (the channel's largest weekly spend in the data).
    public let spendScale: Double
    /// β per draw in target units, `[draws]`.
    public let beta: [Double]
    /// Normalized carry weights, `[draws, maxLag]`.
    let weights: [Double]
    /// Saturation parameters, `[draws, K]`.
    let parameters: [Double]
    /// Carry-in h_τ (scaled) for τ = 0 … L−2, `[draws, maxLag − 1]`.
    let carryIn: [Double]
    /// s(h_τ) per draw (before β), `[draws, maxLag − 1]`.
    let carryInSaturated: [Double]
    /// The channel's effectiveness multiplier in each counted period, `[draws, periods + maxLag − 1]`;
    /// empty when its effect does not vary over time (all 1).
    let multiplier: [Double]
    let family: any SaturationFamily

    public var drawCount: Int { beta.count }
    /// Periods counted: the horizon and the carryover tail.
    var counted: Int { periods + maxLag - 1 }

    /// Spend floor in scaled units: a Hill slope below 1 has an infinite derivative at 0, and the
    /// optimizer needs a finite one (as for flat plans).
    static let floor = 1e-12

    /// - Parameters:
    ///   - adstockWeights: normalized carry weights per draw, `[draws][maxLag]`.
    ///   - parameters: the saturation family's constrained parameters per draw, `[draws][K]`.
    ///   - history: the channel's spend in the periods just before the plan, oldest first (only the
    ///     last `maxLag − 1` matter); empty for no carry-in.
    ///   - effectiveness: the channel's multiplier per draw in each counted period (the horizon and
    ///     the carryover tail), `[draws][periods + maxLag − 1]`; nil when it does not vary (default).
    public init(channel: String, saturation: any SaturationFamily, periods: Int, spendScale: Double,
                adstockWeights: [[Double]], beta: [Double], parameters: [[Double]], history: [Double],
                effectiveness: [[Double]]? = nil) {
        let L = adstockWeights.first?.count ?? 1
        precondition(effectiveness.map { $0.count == beta.count && $0.allSatisfy { $0.count == periods + L - 1 } } ?? true)
        multiplier = effectiveness?.flatMap { $0 } ?? []
        self.channel = channel; self.periods = periods; maxLag = L; self.spendScale = spendScale
        self.beta = beta; family = saturation
        weights = adstockWeights.flatMap { $0 }
        self.parameters = parameters.flatMap { $0 }
        let past = history.suffix(L - 1).map { $0 / spendScale }
        var carry: [Double] = [], saturated: [Double] = []
        for (d, w) in adstockWeights.enumerated() {
            // Period τ of the plan is lag τ + k from the k-th period before it.
            let h = (0..<(L - 1)).map { tau -> Double in
                var s = 0.0
                for k in stride(from: 1, through: min(L - 1 - tau, past.count), by: 1) { s += w[tau + k] * past[past.count - k] }
                return s
            }
            carry += h
            // s(0) = 0 for every family: only the carried-in periods earn anything alone. A carry-in
            // that has died away below the forward pass's floor earns nothing (a subnormal one would
            // otherwise reach the curve's lane-wise log as garbage).
            saturated += L > 1 ? saturation.values(at: h.map { $0 < Self.floor ? 0 : $0 }, parameters: parameters[d]) : []
        }
        carryIn = carry
        carryInSaturated = saturated
    }

    private init(copying c: ScheduleCurve, draws indices: [Int]) {
        channel = c.channel; periods = c.periods; maxLag = c.maxLag; spendScale = c.spendScale; family = c.family
        let K = c.parameters.count / max(c.drawCount, 1), L = c.maxLag
        beta = indices.map { c.beta[$0] }
        weights = indices.flatMap { c.weights[($0 * L)..<(($0 + 1) * L)] }
        parameters = indices.flatMap { c.parameters[($0 * K)..<(($0 + 1) * K)] }
        carryIn = indices.flatMap { c.carryIn[($0 * (L - 1))..<(($0 + 1) * (L - 1))] }
        carryInSaturated = indices.flatMap { c.carryInSaturated[($0 * (L - 1))..<(($0 + 1) * (L - 1))] }
        let n = c.counted
        multiplier = c.multiplier.isEmpty ? [] : indices.flatMap { c.multiplier[($0 * n)..<(($0 + 1) * n)] }
    }

    /// The multiplier of draw d in counted period τ (1 when the effect does not vary).
    @inline(__always) func effect(_ d: Int, _ tau: Int) -> Double {
        multiplier.isEmpty ? 1 : multiplier[d * counted + tau]
    }

    /// The curve on draws `indices` (into `[drawCount]`).
    public func subset(_ indices: [Int]) -> ScheduleCurve { ScheduleCurve(copying: self, draws: indices) }

    /// Runs the forward pass of draw d into `a` (inputs, floored), `p` (the plan's part of them),
    /// `s` (s(a)), `ds` (s'(a)), each `[counted]`.
    @inline(__always)
    private func forward(_ d: Int, spend x: UnsafePointer<Double>, a: UnsafeMutablePointer<Double>, p: UnsafeMutablePointer<Double>,
                         s: UnsafeMutablePointer<Double>,
                         ds: UnsafeMutablePointer<Double>, dp: UnsafeMutablePointer<Double>, k: Int,
                         weights wp: UnsafePointer<Double>, parameters pp: UnsafePointer<Double>, carry cp: UnsafePointer<Double>) {
        let L = maxLag, n = counted, H = periods
        let w = wp + d * L, h = cp + d * (L - 1)
        for tau in 0..<n { p[tau] = 0 }
        for t in 0..<H {
            let xt = x[t]
            if xt == 0 { continue }
            for l in 0..<L { p[t + l] += w[l] * xt }
        }
        for tau in 0..<n { a[tau] = max(p[tau] + (tau < L - 1 ? h[tau] : 0), Self.floor) }
        family.evaluate(a, count: n, parameters: pp + d * k, value: s, dInput: ds, dParameters: dp)
    }

    /// For spend `[periods]` (currency): each draw's revenue bought by the schedule into `values`
    /// `[draws]`; with `gradients`, ∂/∂spend_t into it, `[draws, periods]`.
    public func evaluate(spend: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>, gradients: UnsafeMutablePointer<Double>?) {
        let L = maxLag, n = counted, H = periods, D = drawCount
        let k = parameters.count / max(D, 1)
        let inverseScale = 1 / spendScale
        withUnsafeTemporaryAllocation(of: Double.self, capacity: H + n * (4 + max(k, 1))) { buffer in
            let x = buffer.baseAddress!, a = x + H, p = a + n, s = p + n, ds = s + n, dp = ds + n
            for t in 0..<H { x[t] = spend[t] * inverseScale }
            let varying = !multiplier.isEmpty
            multiplier.withUnsafeBufferPointer { mp in
            weights.withUnsafeBufferPointer { wp in
                parameters.withUnsafeBufferPointer { pp in
                    carryIn.withUnsafeBufferPointer { cp in
                        for d in 0..<D {
                            forward(d, spend: x, a: a, p: p, s: s, ds: ds, dp: dp, k: k, weights: wp.baseAddress!,
                                    parameters: pp.baseAddress!, carry: cp.baseAddress!)
                            // Periods the plan does not reach earn what the carry-in earns alone.
                            var total = 0.0
                            if varying {
                                // Each counted period's revenue and slope weighted by its effectiveness.
                                let m = mp.baseAddress! + d * n
                                for tau in 0..<n where p[tau] > 0 { total += m[tau] * (s[tau] - (tau < L - 1 ? carryInSaturated[d * (L - 1) + tau] : 0)) }
                                for tau in 0..<n { ds[tau] *= m[tau] }
                            } else {
                                for tau in 0..<n where p[tau] > 0 { total += s[tau] - (tau < L - 1 ? carryInSaturated[d * (L - 1) + tau] : 0) }
                            }
                            values[d] = beta[d] * total
                            if let g = gradients {
                                let w = wp.baseAddress! + d * L, factor = beta[d] * inverseScale
                                for t in 0..<H {
                                    var sum = 0.0
                                    for l in 0..<L { sum += w[l] * ds[t + l] }
                                    g[d * H + t] = factor * sum
                                }
                            }
                        }
                    }
                }
            }
            }
        }
    }

    /// Per draw: revenue bought by each period's spend `[draws, periods]`, media revenue arriving
    /// in each planned period `[draws, periods]`, and the carry-in's own revenue `[draws]`.
    ///
    /// A period's revenue above what the carry-in earns alone, β·(s(a_τ) − s(h_τ)), is shared
    /// among the plan periods whose spend reaches it, in proportion to their part of a_τ − h_τ.
    public func breakdown(spend: [Double]) -> (bySpendPeriod: [Double], arriving: [Double], carryIn: [Double]) {
        let L = maxLag, n = counted, H = periods, D = drawCount
        let k = parameters.count / max(D, 1)
        var bySpend = [Double](repeating: 0, count: D * H), arriving = bySpend, carry = [Double](repeating: 0, count: D)
        var a = [Double](repeating: 0, count: n), p = a, s = a, ds = a, dp = [Double](repeating: 0, count: n * max(k, 1))
        let x = spend.map { max($0, 0) / spendScale }
        for d in 0..<D {
            x.withUnsafeBufferPointer { xp in
                weights.withUnsafeBufferPointer { wp in
                    parameters.withUnsafeBufferPointer { pp in
                        carryIn.withUnsafeBufferPointer { cp in
                            forward(d, spend: xp.baseAddress!, a: &a, p: &p, s: &s, ds: &ds, dp: &dp, k: k, weights: wp.baseAddress!,
                                    parameters: pp.baseAddress!, carry: cp.baseAddress!)
                        }
                    }
                }
            }
            let b = beta[d], w = weights[(d * L)..<((d + 1) * L)].map { $0 }
            let alone = (0..<n).map { $0 < L - 1 ? carryInSaturated[d * (L - 1) + $0] : 0 }
            carry[d] = b * (0..<n).reduce(0) { $0 + effect(d, $1) * alone[$1] }
            for tau in 0..<H { arriving[d * H + tau] = b * effect(d, tau) * (p[tau] > 0 ? s[tau] : alone[tau]) }
            for tau in 0..<n where p[tau] > 0 {
                let gain = b * effect(d, tau) * (s[tau] - alone[tau])
                for l in 0..<L where tau - l >= 0 && tau - l < H { bySpend[d * H + tau - l] += gain * w[l] * x[tau - l] / p[tau] }
            }
        }
        return (bySpend, arriving, carry)
    }
}

extension Posterior {
    /// Every channel's schedule curve over `periods` planned periods, from every posterior draw;
    /// with `carryIn`, the data's last `maxLag − 1` periods of spend carry into the plan, across
    /// `gap` unplanned periods without spend between the data and the plan (default 0).
    ///
    /// A channel whose effect varies over time reads its multiplier in each planned period and
    /// the carryover tail.
    public func scheduleCurves(periods: Int, carryIn: Bool, gap: Int = 0) -> [ScheduleCurve] {
        let start = model.periods + max(gap, 0), L = model.specification.maxLag
        return model.data.channels.enumerated().map { c, name in
            ScheduleCurve(channel: name, saturation: model.specification.saturation.family, periods: periods,
                          spendScale: model.scales.spend[c], adstockWeights: adstockWeights(channel: c),
                          beta: draws.map { $0.beta[c] }, parameters: saturationParameters(channel: c),
                          history: carryIn ? model.data.spend[c] + Array(repeating: 0, count: max(gap, 0)) : [],
                          effectiveness: effectiveness(channel: c, periods: start..<(start + periods + L - 1)))
        }
    }
}
