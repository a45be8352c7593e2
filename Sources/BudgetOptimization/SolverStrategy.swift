/// Which methods plan a problem, chosen in one table from the problem's shape, its objective and
/// the user's `OptimizerChoice`. `PlanOptimizer` asks it, and the report names the local method
/// it chose, so what runs is decided and described in one place.
///
/// | problem | objective | local method | genetic algorithm under `auto` |
/// |---|---|---|---|
/// | one period, ≤ `largeFlatVariables` rows | any | SLSQP, multi-start, slivers polished | cross-check |
/// | one period, more rows (per geo and channel) | mean | diagonal Newton (SLSQP if it fails) | skipped |
/// | one period, more rows | other | SLSQP on `coarseDraws`, polished on all | skipped |
/// | schedule, ≤ `newtonCells` cells | any | SLSQP from the given plan (first on `coarseDraws` when draws > 2×) | cross-check, 4 per channel |
/// | schedule, > `newtonCells` cells | mean | block Newton, channel switches | cross-check, 4 per channel |
/// | schedule, > `augmentedLagrangianCells` | not mean | as SLSQP, with NLopt's augmented Lagrangian (L-BFGS) | cross-check, 4 per channel |
///
/// Under `ga` only the genetic algorithm runs; under `slsqp` it runs only when the local method
/// found no feasible plan.
public struct SolverStrategy: Sendable, Equatable {
    /// One-period plans with more rows than this (a plan per geo and channel) take one local run
    /// and no genetic cross-check: each evaluation costs rows × draws curve evaluations, and
    /// SLSQP's dense steps grow with the cube of the variables (default 24).
    public var largeFlatVariables = 24
    /// Schedule cells above which a mean objective is maximized by Newton steps on its
    /// block-diagonal Hessian instead of through NLopt (default 100): past that SLSQP spends
    /// most of its time in its own dense linear algebra, and the augmented Lagrangian stops off
    /// the optimum under monthly budgets.
    public var newtonCells = 100
    /// Schedule cells above which NLopt's augmented Lagrangian replaces SLSQP (default 300).
    public var augmentedLagrangianCells = 300
    /// Draws a first local pass runs on before polishing on all (default 400).
    public var coarseDraws = 400
    /// Individuals per channel in the genetic algorithm's population when it cross-checks a
    /// schedule the local method found (default 4; at least 24, at most 120). Seeded with that
    /// schedule, the check asks whether anything near it or between it and other starts does
    /// better; sized per cell it cost several times the plan itself and found nothing the
    /// per-channel size misses on the bench. As the only solver (`ga`) or the fallback it keeps 4
    /// per cell.
    public var crossCheckPerChannel = 4
    /// The relative improvement a cross-check counts as progress (default 1e-6 of the objective;
    /// 1e-7 when the genetic algorithm is the solver). Searching a subsample of draws, the check
    /// otherwise spends hundreds of generations on gains below a dollar per million that the plan
    /// on all draws cannot show.
    public var crossCheckTolerance = 1e-6

    /// The defaults above.
    public init() {}

    /// The gradient method that runs first, as the report names it.
    public enum LocalMethod: String, Sendable {
        /// SLSQP through NLopt (or its augmented Lagrangian on large schedules).
        case slsqp
        /// Newton's method on a diagonal (one period) or block-diagonal (schedule) Hessian.
        case newton
    }

    /// What runs on one problem.
    struct Choice: Equatable {
        /// The gradient method (nil under `ga`).
        var local: LocalMethod?
        /// Several SLSQP starts (small one-period plans).
        var multiStart = false
        /// One SLSQP run on `coarseDraws` draws, then a short polish on all.
        var coarseThenPolish = false
        /// The genetic algorithm runs as a cross-check even when the local method succeeds.
        var crossCheck: Bool
        /// Channels left with slivers are brought to their first-order condition, and the rest
        /// re-solved around them when `resolveSlivers`.
        var polishSlivers = false
        var resolveSlivers = false
        /// Random starts added to the given and even plans (for SLSQP's multi-start and the
        /// genetic algorithm's first population).
        var randomStarts: Int
        /// Generations without progress, and at most, of the genetic algorithm.
        var geneticPatience: Int
        var geneticGenerations: Int
    }

    func choose(_ problem: PlanProblem, choice: OptimizerChoice) -> Choice {
        let mean = problem.objective == .mean
        if problem.isFlat {
            let large = problem.dimension > largeFlatVariables
            var plan = Choice(local: large && mean ? .newton : .slsqp, multiStart: !large, coarseThenPolish: large && !mean,
                              crossCheck: choice == .auto && !large, polishSlivers: true, resolveSlivers: !large,
                              randomStarts: 3, geneticPatience: 30, geneticGenerations: 400)
            if choice == .ga { plan.local = nil; plan.crossCheck = true }
            return plan
        }
        var plan = Choice(local: problem.dimension > newtonCells && mean ? .newton : .slsqp, crossCheck: choice == .auto,
                          randomStarts: 2, geneticPatience: 20, geneticGenerations: 150)
        if choice == .ga { plan.local = nil; plan.crossCheck = true }
        return plan
    }

    /// Whether SLSQP gives way to NLopt's augmented Lagrangian on this problem.
    func usesAugmentedLagrangian(_ problem: PlanProblem) -> Bool { !problem.isFlat && problem.dimension > augmentedLagrangianCells }

    /// The genetic algorithm's largest population when it cross-checks a schedule of `channels`.
    func crossCheckPopulation(channels: Int) -> Int { min(max(24, crossCheckPerChannel * channels), 120) }
}
