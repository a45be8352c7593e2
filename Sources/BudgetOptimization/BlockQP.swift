/// The quadratic subproblem of a Newton step on a schedule whose objective is a sum over channels:
///
///     maximize gᵀd − ½ dᵀQd   over steps d, `[channels, periods]`,
///     such that x = s + d stays in the feasible set (0 ≤ x ≤ cap, each spending group sums to
///     its amount, each channel total in [lower, upper]),
///
/// with Q block-diagonal, one positive definite `[periods, periods]` block per channel (the
/// objective's Hessian has no cross-channel terms when the objective is a mean over draws).
///
/// Solved by pricing the budgets: given a price μ_g per spending group (and ν_c per channel whose
/// total binds), the channels decouple into small box-constrained QPs, solved exactly by an
/// active-set method; each group's spend falls as its price rises, so the prices that make every
/// group spend its amount are found by bisection (one group) or a safeguarded Newton iteration on
/// the prices (several).
struct BlockQP {
    let channels: Int
    let periods: Int
    /// Positive definite blocks, `[channels, periods, periods]`.
    let curvature: [Double]
    /// Ascent direction's linear term, ∂J/∂s, `[channels, periods]`.
    let gradient: [Double]
    /// Current schedule `[channels, periods]` and per-cell caps.
    let schedule: [Double]
    let caps: [Double]
    let lowerTotals: [Double]
    let upperTotals: [Double]
    let groups: [PeriodBudget]
    /// Whether a channel's total bound can bind (tighter than its caps).
    let channelBounded: [Bool]
    /// Group of each period, `[periods]`.
    private let groupOf: [Int]
    /// Tolerance on a group's spend, currency.
    let tolerance: Double

    init(problem: PlanProblem, schedule: [Double], gradient: [Double], curvature: [Double]) {
        channels = problem.channels.count; periods = problem.periods
        self.curvature = curvature; self.gradient = gradient; self.schedule = schedule
        caps = problem.caps; lowerTotals = problem.lower; upperTotals = problem.upper
        groups = problem.spendingGroups
        var of = [Int](repeating: 0, count: problem.periods)
        for (k, g) in groups.enumerated() { for t in g.periods { of[t] = k } }
        groupOf = of
        let H = problem.periods
        channelBounded = (0..<problem.channels.count).map { c in
            problem.lower[c] > 0 || problem.upper[c] < (0..<H).reduce(0) { $0 + problem.caps[c * H + $1] }
        }
        tolerance = 1e-14 * max(problem.budget, 1)
    }

    /// The step d, `[channels, periods]`, and the group prices it was found at (pass them back as
    /// `prices` on the next Newton step: they change little between steps).
    func solve(prices start: [Double]? = nil) -> (step: [Double], prices: [Double]) {
        let G = groups.count
        var mu = start ?? initialPrices()
        var step = schedule.map { _ in 0.0 }
        if G == 1 {
            mu[0] = bisect(group: 0, prices: mu, step: &step)
        } else {
            mu = newton(prices: mu, step: &step)
        }
        _ = residuals(mu, step: &step)
        return (step, mu)
    }

    /// gᵀd for a step d that keeps every group's spend, computed as Σ (g − μ_group)·d so the
    /// group totals' rounding, multiplied by a price, does not swamp a small slope.
    func slope(of d: [Double], prices mu: [Double]) -> Double {
        var sum = 0.0
        for c in 0..<channels {
            for t in 0..<periods { sum += (gradient[c * periods + t] - mu[groupOf[t]]) * d[c * periods + t] }
        }
        return sum
    }

    /// The mean gradient of each group's cells inside their caps: the price at which a step of
    /// zero is optimal when the schedule is already optimal.
    private func initialPrices() -> [Double] {
        groups.map { g in
            var sum = 0.0, count = 0.0
            for t in g.periods {
                for c in 0..<channels where caps[c * periods + t] > 0 { sum += gradient[c * periods + t]; count += 1 }
            }
            return count > 0 ? sum / count : 0
        }
    }

    /// Each group's spend at prices μ less its amount, `[groups]`; the steps go into `step`.
    func residuals(_ mu: [Double], step: inout [Double]) -> [Double] {
        var spent = [Double](repeating: 0, count: groups.count)
        let H = periods
        withUnsafeTemporaryAllocation(of: Double.self, capacity: H) { prices in
            for c in 0..<channels {
                for t in 0..<H { prices[t] = mu[groupOf[t]] }
                channelStep(c, prices: prices, into: &step)
                for t in 0..<H { spent[groupOf[t]] += schedule[c * H + t] + step[c * H + t] }
            }
        }
        return zip(spent, groups).map { $0 - $1.amount }
    }

    /// Channel c's best step at per-period prices, with its total held in [lower, upper] by a
    /// shift ν of all its prices (found by bisection: the total falls as ν rises).
    private func channelStep(_ c: Int, prices: UnsafeMutableBufferPointer<Double>, into step: inout [Double]) {
        let H = periods
        boxStep(c, prices: prices, shift: 0, into: &step)
        guard channelBounded[c] else { return }
        func total() -> Double { (0..<H).reduce(0) { $0 + schedule[c * H + $1] + step[c * H + $1] } }
        let t0 = total()
        let target: Double
        if t0 > upperTotals[c] + tolerance { target = upperTotals[c] } else if t0 < lowerTotals[c] - tolerance { target = lowerTotals[c] } else { return }
        // Bracket ν: positive to spend less, negative to spend more.
        let direction: Double = t0 > target ? 1 : -1
        let scale = max((0..<H).reduce(0) { max($0, abs(gradient[c * H + $1] - prices[$1])) }, 1e-300)
        var inner = 0.0, outer = direction * scale
        for _ in 0..<200 {
            boxStep(c, prices: prices, shift: outer, into: &step)
            if direction * (total() - target) <= 0 { break }
            inner = outer; outer *= 2
        }
        for _ in 0..<200 {
            let middle = (inner + outer) / 2
            if middle == inner || middle == outer { break }
            boxStep(c, prices: prices, shift: middle, into: &step)
            if direction * (total() - target) > 0 { inner = middle } else { outer = middle }
        }
        boxStep(c, prices: prices, shift: outer, into: &step)
    }

    /// Minimizes ½ dᵀQ_c d − (g_c − prices − shift)ᵀd over −s ≤ d ≤ cap − s by a primal
    /// active-set method: at most a few dozen small Cholesky solves.
    private func boxStep(_ c: Int, prices: UnsafeMutableBufferPointer<Double>, shift: Double, into step: inout [Double]) {
        let H = periods, base = c * H
        let q = c * H * H
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 5 * H + H * H) { buffer in
            let d = buffer.baseAddress!, linear = d + H, lo = linear + H, hi = lo + H, p = hi + H, factor = p + H
            var fixed = [Bool](repeating: false, count: H), atBound = [Bool](repeating: false, count: H)
            for t in 0..<H {
                linear[t] = gradient[base + t] - prices[t] - shift
                lo[t] = -schedule[base + t]; hi[t] = caps[base + t] - schedule[base + t]
                fixed[t] = hi[t] <= lo[t]
                d[t] = fixed[t] ? lo[t] : 0
                atBound[t] = fixed[t]
            }
            var free: [Int] = []
            free.reserveCapacity(H)
            var stationary = false
            for _ in 0..<(20 * H + 20) {
                // ∇ of the minimized function: Qd − linear.
                func slope(_ i: Int) -> Double {
                    var s = -linear[i]
                    for j in 0..<H { s += curvature[q + i * H + j] * d[j] }
                    return s
                }
                if stationary {
                    // Release the bound whose multiplier has the wrong sign, most wrong first.
                    var worst = -1, worstValue = 0.0
                    for t in 0..<H where atBound[t] && !fixed[t] {
                        let gt = slope(t)
                        let wrong = d[t] <= lo[t] ? -gt : gt  // at lower: want gt ≥ 0; at upper: gt ≤ 0
                        if wrong > worstValue { worst = t; worstValue = wrong }
                    }
                    if worst < 0 { break }
                    atBound[worst] = false
                    stationary = false
                    continue
                }
                free.removeAll(keepingCapacity: true)
                for t in 0..<H where !atBound[t] { free.append(t) }
                if free.isEmpty { stationary = true; continue }
                // Newton direction on the free cells: Q_FF p_F = −(Qd − linear)_F.
                let m = free.count
                for (a, i) in free.enumerated() {
                    p[a] = -slope(i)
                    for (b, j) in free.enumerated() { factor[a * m + b] = curvature[q + i * H + j] }
                }
                guard choleskySolve(factor, p, m) else { stationary = true; continue }
                var alpha = 1.0, blocking = -1
                for (a, i) in free.enumerated() {
                    if p[a] < 0, d[i] + p[a] < lo[i] { let r = (lo[i] - d[i]) / p[a]; if r < alpha { alpha = r; blocking = i } }
                    if p[a] > 0, d[i] + p[a] > hi[i] { let r = (hi[i] - d[i]) / p[a]; if r < alpha { alpha = r; blocking = i } }
                }
                for (a, i) in free.enumerated() { d[i] = min(max(d[i] + max(alpha, 0) * p[a], lo[i]), hi[i]) }
                if blocking >= 0 {
                    d[blocking] = p[free.firstIndex(of: blocking)!] < 0 ? lo[blocking] : hi[blocking]
                    atBound[blocking] = true
                } else {
                    stationary = true
                }
            }
            for t in 0..<H { step[base + t] = d[t] }
        }
    }

    /// The price of `group` (others held) at which it spends its amount, by bracketing and
    /// bisection, then one secant step inside the last bracket (spend is piecewise linear in the price).
    private func bisect(group k: Int, prices start: [Double], step: inout [Double]) -> Double {
        var mu = start
        let r0 = residuals(mu, step: &step)[k]
        if abs(r0) <= tolerance { return mu[k] }
        let scale = max(gradient.reduce(0) { max($0, abs($1)) }, 1e-300)
        // Spending too much: raise the price.
        let direction: Double = r0 > 0 ? 1 : -1
        var inner = mu[k], innerResidual = r0, width = 1e-3 * scale, outer = mu[k], outerResidual = r0
        for _ in 0..<200 {
            outer = inner + direction * width
            mu[k] = outer
            outerResidual = residuals(mu, step: &step)[k]
            if direction * outerResidual <= 0 { break }
            inner = outer; innerResidual = outerResidual; width *= 4
        }
        for _ in 0..<200 {
            if abs(outerResidual) <= tolerance { return outer }
            let middle = (inner + outer) / 2
            if middle == inner || middle == outer { break }
            mu[k] = middle
            let r = residuals(mu, step: &step)[k]
            if direction * r > 0 { inner = middle; innerResidual = r } else { outer = middle; outerResidual = r }
            if abs(r) <= tolerance { return middle }
        }
        // Inside one linear piece the secant is exact.
        guard innerResidual != outerResidual else { return outer }
        return inner + (outer - inner) * innerResidual / (innerResidual - outerResidual)
    }

    /// Prices for several groups: Newton steps on the residuals with a finite-difference Jacobian
    /// (they are piecewise linear in the prices), kept only when they shrink the residuals; sweeps
    /// of one-price bisections when they do not.
    private func newton(prices start: [Double], step: inout [Double]) -> [Double] {
        let G = groups.count
        var mu = start
        var r = residuals(mu, step: &step)
        func size(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
        let scale = max(gradient.reduce(0) { max($0, abs($1)) }, 1e-300)
        var sweeps = 0
        for _ in 0..<300 {
            if size(r) <= tolerance { break }
            var jacobian = [Double](repeating: 0, count: G * G)
            for k in 0..<G {
                var shifted = mu
                let h = 1e-6 * max(abs(mu[k]), scale)
                shifted[k] += h
                let rk = residuals(shifted, step: &step)
                for i in 0..<G { jacobian[i * G + k] = (rk[i] - r[i]) / h }
            }
            var improved = false
            // Levenberg–Marquardt: (JᵀJ + λI)δ = −Jᵀr. Where the Jacobian is singular — a price
            // level that no spend depends on once every channel's total binds, a group priced out —
            // a plain Newton step would jump along the null direction and strand the prices there.
            var normal = [Double](repeating: 0, count: G * G), rhs = [Double](repeating: 0, count: G)
            for i in 0..<G {
                for j in 0..<G { for k in 0..<G { normal[i * G + j] += jacobian[k * G + i] * jacobian[k * G + j] } }
                for k in 0..<G { rhs[i] -= jacobian[k * G + i] * r[k] }
            }
            let trace = (0..<G).reduce(0) { $0 + normal[$1 * G + $1] }
            for i in 0..<G { normal[i * G + i] += 1e-12 * trace / Double(G) + 1e-300 }
            if let delta = solveLinear(normal, rhs, G) {
                var t = 1.0
                for _ in 0..<30 {
                    let trial = zip(mu, delta).map { $0 + t * $1 }
                    let rt = residuals(trial, step: &step)
                    if size(rt) < size(r) { mu = trial; r = rt; improved = true; break }
                    t /= 2
                }
            }
            if !improved {
                // One-price bisections are exact coordinate ascent on the concave dual: they
                // converge even where the residuals' largest entry does not shrink sweep by sweep
                // (budgets that trade spend almost one for one under pinned channel totals), so
                // sweeps go on, Newton retried after each, until the budgets are met or a cap.
                let before = mu
                for k in 0..<G { mu[k] = bisect(group: k, prices: mu, step: &step) }
                r = residuals(mu, step: &step)
                sweeps += 1
                if mu == before || sweeps >= 200 { break }
            }
        }
        return mu
    }
}

/// Solves A x = b in place for symmetric positive definite A (`[m, m]`, overwritten by its
/// Cholesky factor); b becomes x. False when A is not numerically positive definite.
func choleskySolve(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, _ m: Int) -> Bool {
    for j in 0..<m {
        var diagonal = a[j * m + j]
        for k in 0..<j { diagonal -= a[j * m + k] * a[j * m + k] }
        guard diagonal > 0, diagonal.isFinite else { return false }
        let root = diagonal.squareRoot()
        a[j * m + j] = root
        for i in (j + 1)..<max(m, j + 1) {
            var s = a[i * m + j]
            for k in 0..<j { s -= a[i * m + k] * a[j * m + k] }
            a[i * m + j] = s / root
        }
    }
    for i in 0..<m {
        var s = b[i]
        for k in 0..<i { s -= a[i * m + k] * b[k] }
        b[i] = s / a[i * m + i]
    }
    for i in stride(from: m - 1, through: 0, by: -1) {
        var s = b[i]
        for k in (i + 1)..<max(m, i + 1) { s -= a[k * m + i] * b[k] }
        b[i] = s / a[i * m + i]
    }
    return true
}

/// Gaussian elimination with partial pivoting for a small dense system; nil when singular.
func solveLinear(_ matrix: [Double], _ rhs: [Double], _ n: Int) -> [Double]? {
    var a = matrix, b = rhs
    for col in 0..<n {
        let pivot = (col..<n).max { abs(a[$0 * n + col]) < abs(a[$1 * n + col]) }!
        guard abs(a[pivot * n + col]) > 1e-300 else { return nil }
        if pivot != col {
            for k in 0..<n { a.swapAt(col * n + k, pivot * n + k) }
            b.swapAt(col, pivot)
        }
        for row in (col + 1)..<n {
            let f = a[row * n + col] / a[col * n + col]
            for k in col..<n { a[row * n + k] -= f * a[col * n + k] }
            b[row] -= f * b[col]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
        var s = b[row]
        for k in (row + 1)..<n { s -= a[row * n + k] * x[k] }
        x[row] = s / a[row * n + row]
    }
    guard x.allSatisfy(\.isFinite) else { return nil }
    return x
}
