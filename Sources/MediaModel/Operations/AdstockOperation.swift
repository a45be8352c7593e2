import Autodiff

/// out[r, t] = Σₗ wₗ(r)·x[r, t−l] / Σₗ wₗ(r): normalized carryover of each row of a spend matrix
/// `[rows, length]` (rows are channels, or geo × channel), with nothing before the series.
/// Row r takes its family parameters from element `rowParameter[r]` of each parameter node.
struct AdstockOperation: DifferentiableOperation {
    let family: any AdstockFamily
    let spend: Node, out: Node
    /// One node per family parameter, each `[parameter rows]`.
    let parameters: [Node]
    let rowParameter: [Int]
    let length: Int, maxLag: Int
    let spendIsVariable: Bool
    /// Saved by the forward pass: w̃ `[rows, maxLag]`, ∂w̃/∂p `[rows, K, maxLag]`, Σw̃ `[rows]`.
    let weights: Node, partials: Node, totals: Node
    var inputs: [Node] { [spend] + parameters }
    var outputs: [Node] { [out] }
    var savedBuffers: [Node] { [weights, partials, totals] }

    func forward(_ w: Workspace) {
        let K = parameters.count, L = maxLag
        let x = w.value(spend), o = w.value(out)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(K, 1)) { p in
            for r in 0..<rowParameter.count {
                for k in 0..<K { p[k] = w.value(parameters[k])[rowParameter[r]] }
                let wr = w.value(weights) + r * L
                family.weights(p.baseAddress!, maxLag: L, into: wr, partials: w.value(partials) + r * K * L)
                var total = 0.0
                for l in 0..<L { total += wr[l] }
                w.value(totals)[r] = total
                applyCarryover(x + r * length, count: length, weights: wr, maxLag: L, total: total, into: o + r * length)
            }
        }
    }

    func backward(_ w: Workspace) {
        let K = parameters.count, L = maxLag
        let x = w.value(spend), o = w.value(out), g = w.adjoint(out)
        for r in 0..<rowParameter.count {
            let xr = x + r * length, orow = o + r * length, gr = g + r * length
            let wr = w.value(weights) + r * L, total = w.value(totals)[r]
            // ∂L/∂w̃ₗ = (X̂ₗ − A)/W with X̂ₗ = Σₜ ōₜ·x[t−l] and A = Σₜ ōₜ·outₜ.
            let a = VectorKernels.dot(gr, orow, count: length)
            let pr = w.value(partials) + r * K * L
            for l in 0..<min(L, length) {
                let wBar = (laggedDot(gr, xr, count: length, lag: l) - a) / total
                for k in 0..<K { w.adjoint(parameters[k])[rowParameter[r]] += wBar * pr[k * L + l] }
            }
            if spendIsVariable {
                let xb = w.adjoint(spend) + r * length
                for l in 0..<min(L, length) {
                    let wl = wr[l] / total
                    for t in l..<length { xb[t - l] += wl * gr[t] }
                }
            }
        }
    }
}

/// out[t] = Σₗ w̃ₗ·x[t−l] / total for t in 0..<count, with nothing before the series: normalized
/// carryover. Eight periods at a time, every lag accumulated in registers before one store; the
/// first lags' periods (where some lags reach before the series) go one at a time.
public func applyCarryover(_ x: UnsafePointer<Double>, count: Int, weights w: UnsafePointer<Double>, maxLag: Int, total: Double,
                    into out: UnsafeMutablePointer<Double>) {
    let lags = min(maxLag, count), scale = 1 / total
    let head = min(lags - 1, count)
    for t in 0..<head {
        var s = 0.0
        for l in 0...t { s += w[l] * x[t - l] }
        out[t] = s * scale
    }
    let xr = UnsafeRawPointer(x), or = UnsafeMutableRawPointer(out)
    var t = head
    while t + 7 < count {
        var s = SIMD8<Double>.zero
        for l in 0..<lags { s += w[l] * xr.loadUnaligned(fromByteOffset: 8 * (t - l), as: SIMD8<Double>.self) }
        or.storeBytes(of: s * scale, toByteOffset: 8 * t, as: SIMD8<Double>.self)
        t += 8
    }
    while t < count {
        var s = 0.0
        for l in 0..<lags { s += w[l] * x[t - l] }
        out[t] = s * scale
        t += 1
    }
}

/// Σₜ a[t]·b[t − lag] for t in lag..<count.
func laggedDot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int, lag: Int) -> Double {
    lag < count ? VectorKernels.dot(a + lag, b, count: count - lag) : 0
}

extension ProgramBuilder {
    /// Normalized adstock of `spend` (`[rows, length]`), rows parameterized by `rowParameter`.
    /// Returns the adstocked matrix and the saved unnormalized weights `[rows, maxLag]` and their
    /// sums `[rows]` (for reading the carry of each draw).
    mutating func adstock(_ family: any AdstockFamily, spend: Node, parameters: [Node], rowParameter: [Int],
                          length: Int, maxLag: Int) -> (out: Node, weights: Node, totals: Node) {
        let rows = rowParameter.count
        let out = node(rows * length), weights = node(rows * maxLag)
        let partials = node(rows * max(parameters.count, 1) * maxLag), totals = node(rows)
        append(AdstockOperation(family: family, spend: spend, out: out, parameters: parameters, rowParameter: rowParameter,
                                length: length, maxLag: maxLag, spendIsVariable: isVariable(spend),
                                weights: weights, partials: partials, totals: totals))
        return (out, weights, totals)
    }
}
