import BudgetOptimization

extension PlanRun {
    /// The problem with its `cvar_uplift` baseline set to the revenue per draw of `current`
    /// (`[channels]`); other objectives pass through unchanged.
    static func anchored(_ problem: BudgetProblem, at current: [Double], _ scenario: Scenario) throws -> BudgetProblem {
        do {
            return try problem.anchoringUplift(at: current)
        } catch let error as BudgetError {
            throw InputError(.configuration, "\(scenario.file): plan.objective: \(error.description)")
        }
    }
}
