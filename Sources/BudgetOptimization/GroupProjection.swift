import Foundation

/// The exact projection onto a feasible set with groups, in the distance Σ w_c (y_c − x_c)²:
///
///     minimize ½ Σ w_c (y_c − x_c)²  such that  Σ y_c = B,  lo_c ≤ y_c ≤ hi_c,  L_g ≤ Σ_{c∈g} y_c ≤ U_g.
///
/// Solved in its dual, which has one price per constraint rather than one unknown per variable:
/// at prices τ (the budget) and μ_g (the groups that bind) every variable is
/// y_c = clamp(x_c + (τ + Σ_{g∋c} μ_g)/w_c, lo_c, hi_c). The groups that bind are found by a
/// primal–dual active-set loop (a group enters when its total leaves its range, and leaves when
/// its price takes the wrong sign); for a given set the prices solve piecewise-linear equations
/// by Newton's method, damped on the dual function, which is convex in the prices.
///
/// Dykstra's alternating projections reach the same point, but with weights spread over orders of
/// magnitude (the curvatures of big and small geos) they can need thousands of rounds. This returns
/// nil when it does not settle, and the caller falls back to them.
struct GroupProjection {
    let budget: Double
    let lower: [Double]
    let upper: [Double]
    let groups: [SpendGroup]
    /// 1/w_c: how far a variable moves per unit of price, `[channels]`.
    let reach: [Double]

    /// Which end of a group's range binds.
    private enum Side { case lower, upper }

    func solve(_ x: [Double]) -> [Double]? {
        var active: [Int: Side] = [:]
        var prices = [Double](repeating: 0, count: groups.count + 1)
        let tolerance = 1e-12 * max(budget, 1)
        for _ in 0..<(4 * groups.count + 10) {
            let bound = groups.indices.map { g -> Double? in
                active[g].map { $0 == .lower ? groups[g].lower : groups[g].upper }
            }
            guard solvePrices(x, bound: bound, prices: &prices, tolerance: tolerance) else { return nil }
            let y = point(x, prices)
            var changed = false
            for g in groups.indices {
                let total = groups[g].members.reduce(0) { $0 + y[$1] }
                if let side = active[g] {
                    // A lower end pushes its members up (price ≥ 0); an upper end pulls them down.
                    let wrongSign = side == .lower ? prices[g + 1] < 0 : prices[g + 1] > 0
                    if wrongSign, groups[g].lower < groups[g].upper { active[g] = nil; prices[g + 1] = 0; changed = true }
                } else if total < groups[g].lower - tolerance {
                    active[g] = .lower; changed = true
                } else if total > groups[g].upper + tolerance {
                    active[g] = .upper; changed = true
                }
            }
            if !changed { return y }
        }
        return nil
    }

    /// Each variable's price, τ + Σ_{g∋c} μ_g, `[channels]`.
    private func shifts(_ prices: [Double]) -> [Double] {
        var shift = [Double](repeating: prices[0], count: reach.count)
        for (g, group) in groups.enumerated() where prices[g + 1] != 0 {
            for c in group.members { shift[c] += prices[g + 1] }
        }
        return shift
    }

    /// y at the given prices, `[channels]`.
    private func point(_ x: [Double], _ prices: [Double]) -> [Double] {
        let shift = shifts(prices)
        return x.indices.map { min(max(x[$0] + shift[$0] * reach[$0], lower[$0]), upper[$0]) }
    }

    /// Newton's method on the prices of the budget and the bound groups (others stay at zero)
    /// until every residual is within `tolerance`. False when it does not get there.
    ///
    /// The residuals are the gradient of the convex dual Φ(prices) = Σ_c ψ_c(p_c) − τ·B − Σ_g μ_g·bound_g,
    /// with ψ_c′(p) = y_c(p); each step minimizes Φ along the Newton direction.
    private func solvePrices(_ x: [Double], bound: [Double?], prices: inout [Double], tolerance: Double) -> Bool {
        let priced = [0] + groups.indices.filter { bound[$0] != nil }.map { $0 + 1 }
        let k = priced.count
        for p in prices.indices where !priced.contains(p) { prices[p] = 0 }
        // Which priced constraints each variable enters.
        var memberOf = [[Int]](repeating: [0], count: x.count)
        for (slot, p) in priced.enumerated().dropFirst() { for c in groups[p - 1].members { memberOf[c].append(slot) } }
        var previous = Double.infinity
        for _ in 0..<100 {
            let y = point(x, prices)
            var residual = [Double](repeating: 0, count: k)
            residual[0] = y.reduce(0, +) - budget
            for (slot, p) in priced.enumerated().dropFirst() {
                residual[slot] = groups[p - 1].members.reduce(0) { $0 + y[$1] } - bound[p - 1]!
            }
            let worst = residual.map(abs).max() ?? 0
            if worst <= tolerance { return true }
            // Where a variable's reach is large the prices' last bits move it by more than the
            // tolerance: once Newton stops gaining, a residual this small is the rounding's.
            if worst <= 1e-9 * max(budget, 1), worst > 0.5 * previous { return true }
            previous = worst
            // The Jacobian Σ over free variables of reach_c · a_c a_cᵀ, lightly regularized: a group
            // whose members all sit at a bound has no curvature of its own.
            var jacobian = [Double](repeating: 0, count: k * k)
            // A variable is free where y, the clamped move at these prices, is strictly inside.
            for c in x.indices {
                guard y[c] > lower[c], y[c] < upper[c] else { continue }
                for a in memberOf[c] { for b in memberOf[c] { jacobian[a * k + b] += reach[c] } }
            }
            let scale = max((0..<k).map { jacobian[$0 * k + $0] }.max() ?? 0, reach.max() ?? 1)
            for a in 0..<k { jacobian[a * k + a] += 1e-10 * scale }
            var step = residual.map { -$0 }
            guard choleskySolve(&jacobian, &step, k) else { return false }
            // An exact line search on the dual: along the step Φ is convex and piecewise quadratic,
            // so its slope, the residuals' component along the step, rises through zero once. A fixed
            // step length fails where every variable of a constraint sits at a bound (the Jacobian
            // sees none of them and the step overshoots by orders of magnitude).
            func slope(at t: Double) -> Double {
                var trial = prices
                for (slot, p) in priced.enumerated() { trial[p] += t * step[slot] }
                let y = point(x, trial)
                var sum = (y.reduce(0, +) - budget) * step[0]
                for (slot, p) in priced.enumerated().dropFirst() {
                    sum += (groups[p - 1].members.reduce(0) { $0 + y[$1] } - bound[p - 1]!) * step[slot]
                }
                return sum
            }
            guard slope(at: 0) < 0 else { return false }
            var low = 0.0, high = 1.0
            while slope(at: high) < 0 {
                low = high; high *= 4
                if high > 1e30 { return false }
            }
            if slope(at: high) > 0 {
                for _ in 0..<200 {
                    let mid = 0.5 * (low + high)
                    if slope(at: mid) < 0 { low = mid } else { high = mid }
                    if high - low <= 1e-15 * high { break }
                }
            }
            for (slot, p) in priced.enumerated() { prices[p] += high * step[slot] }
        }
        return false
    }
}
