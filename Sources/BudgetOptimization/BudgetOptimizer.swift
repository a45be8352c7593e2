import Foundation

/// Which optimizer plans the budget.
public enum OptimizerChoice: String, Sendable, CaseIterable {
    /// SLSQP through NLopt, multi-started; falls back to the genetic algorithm if every start fails.
    case slsqp
    /// The built-in genetic algorithm only.
    case ga
    /// SLSQP, then the genetic algorithm as a cross-check; the better plan is kept (default).
    case auto
}

/// How the returned plan was found.
public struct OptimizerReport: Sendable {
    /// "slsqp" or "ga".
    public var method: String
    public var status: SolverStatus
    public var evaluations: Int
    public var seconds: Double
    /// Under `auto`: (SLSQP objective − GA objective) / |SLSQP objective|.
    public var crossCheckGap: Double?
    /// Notices for the user (fallbacks, a start that failed).
    public var notices: [String]
}

/// Maximizes the objective over feasible plans.
public struct BudgetOptimizer: Sendable {
    public var choice: OptimizerChoice
    /// Seed of the random starts and of the genetic algorithm.
    public var seed: UInt64
    /// Extra random starts for SLSQP beyond the given plan and the even split (default 3).
    public var randomStarts: Int

    public init(choice: OptimizerChoice = .auto, seed: UInt64 = 1, randomStarts: Int = 3) {
        self.choice = choice; self.seed = seed; self.randomStarts = randomStarts
    }

    /// - Parameter start: a plan to start from (the current mix), projected onto the feasible set.
    /// - Returns: the plan `[channels]` and how it was found.
    public func optimize(_ problem: BudgetProblem, start: [Double]? = nil) throws -> (plan: [Double], report: OptimizerReport) {
        let clock = Date()
        let n = problem.channels.count
        let feasible = FeasibleSet(problem)
        let evaluator = ObjectiveEvaluator(problem)
        var rng = SplitMix(seed: seed)
        var starts: [[Double]] = []
        if let start { starts.append(feasible.project(start)) }
        starts.append(feasible.evenSplit(channels: n))
        for _ in 0..<randomStarts { starts.append(feasible.random(channels: n, using: &rng)) }
        var notices: [String] = []

        var slsqpBest: SLSQPSolver.Run?
        if choice != .ga {
            let solver = SLSQPSolver(problem: problem, feasible: feasible)
            for s in starts {
                let run = solver.solve(from: s, evaluator: evaluator)
                guard run.status.pointIsUsable, run.value.isFinite, feasible.isFeasible(run.plan, tolerance: 1e-9) else {
                    notices.append("SLSQP from one start ended with '\(run.status)'; that start was discarded")
                    continue
                }
                if slsqpBest == nil || run.value > slsqpBest!.value { slsqpBest = run }
            }
        }
        var gaRun: GeneticSolver.Run?
        if choice == .ga || choice == .auto || slsqpBest == nil {
            if choice == .slsqp { notices.append("SLSQP failed from every start; the genetic algorithm planned instead") }
            var ga = GeneticSolver(problem: problem, feasible: feasible)
            ga.seed = seed
            gaRun = ga.solve(starts: starts + (slsqpBest.map { [$0.plan] } ?? []), evaluator: evaluator)
        }
        let seconds = Date().timeIntervalSince(clock)
        let evaluations = evaluator.evaluations
        switch (slsqpBest, gaRun) {
        case let (s?, g?):
            let gap = (s.value - g.value) / max(abs(s.value), 1e-300)
            let gaWins = g.value > s.value
            return (gaWins ? g.plan : s.plan,
                    OptimizerReport(method: gaWins ? "ga" : "slsqp", status: gaWins ? g.status : s.status,
                                    evaluations: evaluations, seconds: seconds, crossCheckGap: gap, notices: notices))
        case let (s?, nil):
            return (s.plan, OptimizerReport(method: "slsqp", status: s.status, evaluations: evaluations, seconds: seconds,
                                            crossCheckGap: nil, notices: notices))
        case let (nil, g?):
            return (g.plan, OptimizerReport(method: "ga", status: g.status, evaluations: evaluations, seconds: seconds,
                                            crossCheckGap: nil, notices: notices))
        case (nil, nil):
            throw BudgetError.failed("no optimizer found a feasible plan")
        }
    }
}
