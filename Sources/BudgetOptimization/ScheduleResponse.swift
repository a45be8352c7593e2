/// A channel's incremental revenue as a function of its spend schedule over the planned periods,
/// once per posterior draw. A `PlanProblem` sees every row this way (a flat plan's rows as
/// schedules of one period).
///
/// Spend in one period keeps working in later ones (carryover), so the response is not a sum of
/// per-period curves; the optimizer only needs values and exact gradients.
public protocol ScheduleResponse: Sendable {
    /// Posterior draws D.
    var drawCount: Int { get }
    /// Planned periods H.
    var periods: Int { get }

    /// For spend `[periods]` (currency per period, ≥ 0): each draw's revenue bought by the
    /// schedule (incremental over spending nothing in the plan, so revenue already paid for by
    /// past spend is not in it) into `values` `[draws]`, and, when `gradients` is given,
    /// ∂r_d/∂s_t into `gradients` `[draws, periods]`.
    func evaluate(spend: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>,
                  gradients: UnsafeMutablePointer<Double>?)

    /// Where the revenue of a schedule comes from and when it arrives, per draw.
    func breakdown(spend: [Double]) -> ScheduleBreakdown

    /// The same response on draws `indices` (into `[drawCount]`).
    func restricted(to indices: [Int]) -> any ScheduleResponse
}

/// One channel's schedule revenue taken apart, per draw. Every array is draw-major.
public struct ScheduleBreakdown: Sendable {
    /// Revenue bought by each planned period's spend, including its later carryover (the
    /// schedule's revenue shared out in proportion to each period's part of the adstocked input
    /// it adds), `[draws, periods]`; sums over periods to `evaluate`'s value.
    public var bySpendPeriod: [Double]
    /// The channel's media revenue arriving in each planned period, from the plan and the
    /// carry-in together, `[draws, periods]`.
    public var arriving: [Double]
    /// Revenue of the carry-in alone (no plan spend) over the planned periods and the tail,
    /// `[draws]`: already paid for by past spend.
    public var carryIn: [Double]

    public init(bySpendPeriod: [Double], arriving: [Double], carryIn: [Double]) {
        self.bySpendPeriod = bySpendPeriod; self.arriving = arriving; self.carryIn = carryIn
    }
}

/// A schedule response read as a flat budget: b spread evenly over the periods, so
/// r(b) = R(b/H, …, b/H) and r'(b) = Σₜ ∂R/∂sₜ / H. This is how `plan.flighting: flat` plans see
/// carry-in from history.
public struct FlatSchedule: ChannelResponse {
    public let schedule: any ScheduleResponse
    public var drawCount: Int { schedule.drawCount }

    public init(_ schedule: any ScheduleResponse) { self.schedule = schedule }

    public func evaluate(budget: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        let H = schedule.periods, D = schedule.drawCount
        let weekly = [Double](repeating: max(budget, 0) / Double(H), count: H)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: D * H) { g in
            schedule.evaluate(spend: weekly, values: values, gradients: g.baseAddress!)
            for d in 0..<D {
                var s = 0.0
                for t in 0..<H { s += g[d * H + t] }
                slopes[d] = s / Double(H)
            }
        }
    }

    public func restricted(to indices: [Int]) -> any ChannelResponse { FlatSchedule(schedule.restricted(to: indices)) }
}
