import Foundation

/// How an optimizer run finishes: the better of their runs, and never worse
/// than where the caller started.
enum RunChoice {
    /// The better of SLSQP's run and the genetic algorithm's (both judged on all draws) with its
    /// report. Their gap is relative to the larger of |SLSQP's value| and `magnitude`: an uplift
    /// objective is near 0 at the optimum, and its scale is then the revenue.
    /// - Parameter failure: the message when neither run found a feasible plan.
    /// `localMethod` names the gradient run in the report (`slsqp`, or `newton` when that run
    /// was Newton's method).
    private static func better(slsqp: SolverRun?, ga: SolverRun?, localMethod: String = "slsqp", magnitude: Double, failure: String,
                       report: (SolverRun, String, Double?) -> OptimizerReport) throws -> (plan: [Double], report: OptimizerReport) {
        switch (slsqp, ga) {
        case let (s?, g?):
            let gap = (s.value - g.value) / max(abs(s.value), magnitude, 1e-300)
            return g.value > s.value ? (g.plan, report(g, "ga", gap)) : (s.plan, report(s, localMethod, gap))
        case let (s?, nil): return (s.plan, report(s, localMethod, nil))
        case let (nil, g?): return (g.plan, report(g, "ga", nil))
        case (nil, nil): throw BudgetError.failed(failure)
        }
    }

    /// How both optimizers end. The genetic algorithm runs when the strategy cross-checks, or as
    /// the fallback when the local method found no plan (saying so under `slsqp`): `search` runs
    /// it on `searchDraws` evenly spaced draws and returns its best plan, which `value` judges on
    /// all draws. Then the better of the two runs is chosen and reported.
    /// - Parameters:
    ///   - localEvaluations: the local method's evaluations, as a count on all draws.
    ///   - magnitude: the objective's size where its value does not show it, read after the
    ///     last evaluation.
    static func finish(local: SolverRun?, localMethod: String, localEvaluations: Int, crossCheck: Bool, choice: OptimizerChoice,
                       searchDraws: Int, search: () -> SolverRun, value: ([Double]) -> Double, magnitude: () -> Double,
                       started: Date, notices: [String], failure: String) throws -> (plan: [Double], report: OptimizerReport) {
        var notices = notices
        var genetic: SolverRun?
        if crossCheck || local == nil {
            if choice == .slsqp { notices.append("SLSQP failed from every start; the genetic algorithm planned instead") }
            var run = search()
            run.value = value(run.plan)
            genetic = run
        }
        let seconds = Date().timeIntervalSince(started)
        return try better(slsqp: local, ga: genetic, localMethod: localMethod, magnitude: magnitude(), failure: failure) { run, method, gap in
            OptimizerReport(method: method, status: run.status, slsqpEvaluations: localEvaluations,
                            geneticEvaluations: genetic?.evaluations ?? 0, geneticSearchDraws: genetic == nil ? 0 : searchDraws,
                            seconds: seconds, crossCheckGap: gap, notices: notices)
        }
    }

    /// Keeps the caller's start (already made feasible) when it does better than `chosen` on all
    /// draws: under cvar_uplift anchored at the current mix, that is what keeps the worst-α uplift
    /// of the returned plan at least 0. A subsample's run, or a GA judged on fewer draws, can end
    /// below it.
    static func neverWorseThanStart(_ chosen: inout (plan: [Double], report: OptimizerReport), start: [Double]?,
                                    value: ([Double]) -> Double) {
        guard let start, value(start) > value(chosen.plan) else { return }
        chosen.plan = start
        chosen.report.notices.append("no optimizer improved on the starting plan; it is kept")
    }
}
