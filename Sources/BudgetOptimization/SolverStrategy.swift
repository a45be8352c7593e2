/// Which methods plan a problem, chosen in one table from the problem's size, its objective and
/// the user's `OptimizerChoice`. Both optimizers ask it, and the report names the local method it
/// chose, so what runs is decided and described in one place.
///
/// | problem | objective | local method | genetic algorithm under `auto` |
/// |---|---|---|---|
/// | flat, ≤ `largeFlatVariables` | any | SLSQP, multi-start | cross-check |
/// | flat, larger (per geo and channel) | mean | separable Newton (SLSQP if it fails) | skipped |
/// | flat, larger | other | SLSQP on `coarseDraws`, polished on all | skipped |
/// | schedule, ≤ `newtonCells` cells | any | SLSQP (first on `coarseDraws` when draws > 2×) | cross-check, 4 per channel |
/// | schedule, > `newtonCells` cells | mean | block Newton, channel switches | cross-check, 4 per channel |
/// | schedule, up to `augmentedLagrangianCells` | not mean | SLSQP (as above) | cross-check, 4 per channel |
/// | schedule, > `augmentedLagrangianCells` | not mean | augmented Lagrangian (L-BFGS) | cross-check, 4 per channel |
///
/// Under `ga` only the genetic algorithm runs; under `slsqp` it runs only when the local method
/// found no feasible plan.
public struct SolverStrategy: Sendable, Equatable {
    /// Flat plans with more variables than this (a plan per geo and channel) take one local run
    /// and no genetic cross-check: each evaluation costs variables × draws curve evaluations, and
    /// SLSQP's dense steps grow with the cube of the variables (default 24).
    public var largeFlatVariables = 24
    /// Schedule cells above which a mean objective is maximized by Newton steps on its
    /// block-diagonal Hessian instead of through NLopt (default 100). Measured on the schedule
    /// bench (4000 draws, Hill curves): at 260 cells SLSQP spent most of 4–6 s in its own dense
    /// linear algebra, Newton 0.7 s; at 650 cells the augmented Lagrangian needed 200–560
    /// evaluations on all draws and stopped off the optimum under monthly budgets, Newton 30–115.
    public var newtonCells = 100
    /// Schedule cells above which NLopt's augmented Lagrangian replaces SLSQP (default 300).
    public var augmentedLagrangianCells = 300
    /// Draws a first local pass runs on before polishing on all (default 400).
    public var coarseDraws = 400
    /// Individuals per channel in the genetic algorithm's population when it cross-checks a
    /// schedule the local method found (default 4; at least 24, at most 120). Seeded with that
    /// schedule, the check asks whether anything near it or between it and other starts does
    /// better; sized per cell (4 × 65 for five channels over a quarter) it cost 7× the plan
    /// itself and found nothing the per-channel size misses on the bench. As the only solver
    /// (`ga`) or the fallback it keeps 4 per cell.
    public var crossCheckPerChannel = 4
    /// The relative improvement a flat plan's cross-check counts as progress (default 1e-6 of
    /// the objective; 1e-7 when the genetic algorithm is the solver). Searching a subsample of
    /// draws, the check otherwise spends hundreds of generations on gains below a dollar per
    /// million that the plan on all draws cannot show.
    public var crossCheckTolerance = 1e-6

    /// The defaults above.
    public init() {}

    /// The gradient method that runs first, as the report names it.
    public enum LocalMethod: String, Sendable {
        /// SLSQP through NLopt (or its augmented Lagrangian on large schedules).
        case slsqp
        /// Newton's method on a separable or block-diagonal Hessian.
        case newton
    }

    /// What runs on one problem.
    struct Choice: Equatable {
        /// The gradient method (nil under `ga`).
        var local: LocalMethod?
        /// Several SLSQP starts (small flat plans).
        var multiStart = false
        /// The genetic algorithm runs as a cross-check even when the local method succeeds.
        var crossCheck: Bool
    }

    func flat(variables: Int, objective: PlanObjective, choice: OptimizerChoice) -> Choice {
        let large = isLargeFlat(variables: variables)
        guard choice != .ga else { return Choice(local: nil, crossCheck: true) }
        return Choice(local: large && objective == .mean ? .newton : .slsqp, multiStart: !large,
                      crossCheck: choice == .auto && !large)
    }

    func schedule(cells: Int, objective: PlanObjective, choice: OptimizerChoice) -> Choice {
        guard choice != .ga else { return Choice(local: nil, crossCheck: true) }
        return Choice(local: cells > newtonCells && objective == .mean ? .newton : .slsqp, crossCheck: choice == .auto)
    }

    func isLargeFlat(variables: Int) -> Bool { variables > largeFlatVariables }

    /// The genetic algorithm's largest population when it cross-checks a schedule of `channels`.
    func crossCheckPopulation(channels: Int) -> Int { min(max(24, crossCheckPerChannel * channels), 120) }
}
