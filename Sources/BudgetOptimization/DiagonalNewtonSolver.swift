import Foundation

/// Projected Newton's method for the expected-revenue objective of a problem with many variables
/// (a plan per geo and channel).
///
/// Under the mean objective J(b) = Σ_c mean_d r_{d,c}(b_c) is a sum of one-variable curves, so its
/// Hessian is diagonal and costs one more gradient to measure: every variable's curvature comes
/// from the same step b + δ. A Newton step is then the target b + g/h projected onto the feasible
/// set in the distance Σ h_c (y_c − x_c)²: the exact solution of the quadratic model under the
/// budget, bounds and groups. That takes a handful of steps where SLSQP, which learns the
/// curvature one BFGS update at a time, needs hundreds of evaluations at 200 variables.
///
/// Where a curve is convex (the foot of an S-curve) its curvature is replaced by a damping term
/// that grows after every step the line search has to shorten and shrinks after every full step
/// (Levenberg–Marquardt), so the method keeps ascending there too. Like SLSQP it finds a local
/// optimum: the caller keeps the "never worse than the start" guard.
struct DiagonalNewtonSolver {
    let problem: PlanProblem
    let feasible: FeasibleSet
    var maxIterations = 60
    /// Evaluations allowed, curvature and line search included.
    var maxEvaluations = 200

    init(problem: PlanProblem, feasible: FeasibleSet) {
        precondition(problem.objective == .mean, "the Newton path needs a separable (mean) objective")
        self.problem = problem; self.feasible = feasible
    }

    func solve(from start: [Double], evaluator: PlanEvaluator) -> SolverRun {
        let n = problem.channels.count
        let unit = max(problem.budget / Double(n), 1e-12)
        let firstEvaluation = evaluator.evaluations
        var x = feasible.project(start)
        var (value, gradient) = evaluator.evaluateWithGradient(x)
        guard value.isFinite else { return SolverRun(plan: x, value: value, status: .failure, evaluations: 1) }
        // The damping, relative to a typical curvature; it starts small (nearly plain Newton) and
        // never goes below `floor`, where a step is Newton's to within a millionth.
        let floor = 1e-6
        var damping = 1e-3
        var status = SolverStatus.iterationLimit
        for _ in 0..<maxIterations {
            if evaluator.evaluations - firstEvaluation + 2 > maxEvaluations { status = .maxEvaluationsReached; break }
            let curvature = forwardCurvature(at: x, gradient: gradient, floor: 1e-2 * unit) { evaluator.evaluateWithGradient($0).1 }
            let positive = curvature.filter { $0 > 0 && $0.isFinite }.sorted()
            let typical = positive.isEmpty ? max(gradient.map(abs).filter(\.isFinite).max() ?? 1, 1e-300) / unit
                                           : positive[positive.count / 2]
            let weights = curvature.map { h in (h.isFinite && h > 0 ? h : 0) + damping * typical }
            // Curves floor their spend just above zero, so a Hill slope below 1 gives a huge but
            // finite slope there; a slope that is not finite at all is read as the steepest finite
            // one, and the line search judges the move by its value.
            let finiteSlopes = gradient.filter(\.isFinite)
            let steepest = max(finiteSlopes.map(abs).max() ?? 1, 1e-300)
            let usable = gradient.map { $0.isFinite ? $0 : 10 * steepest }
            let target = (0..<n).map { x[$0] + usable[$0] / weights[$0] }
            let newton = feasible.project(target, weights: weights)
            let step = (0..<n).map { newton[$0] - x[$0] }
            let slope = (0..<n).reduce(0.0) { $0 + usable[$1] * step[$1] }
            let largest = step.map(abs).max() ?? 0
            // The objective's rounding: gains below it cannot be measured.
            let noise = 1e-13 * max(abs(value), 1e-300)
            // Converged when Newton's own step is a billionth of a variable's share of the budget:
            // the first-order conditions then hold to about that. (Its gain is below the
            // objective's rounding long before, so the gain cannot be the test.) A heavily damped
            // step is short anywhere: undamp and look again first.
            if largest <= 1e-9 * unit || slope <= 0 {
                if damping > floor { damping = floor; continue }
                status = largest <= 1e-9 * unit ? .success : .roundoffLimited
                break
            }
            // Backtracking (Armijo) along the step; the segment stays feasible (the set is convex).
            // Near the optimum a full step's gain is below the rounding: it is then taken when the
            // objective is not measurably worse, as the first-order conditions still improve.
            var t = 1.0, accepted: (plan: [Double], value: Double, gradient: [Double])?
            while evaluator.evaluations - firstEvaluation < maxEvaluations, t * slope > noise || t == 1 {
                let trial = t == 1 ? newton : (0..<n).map { x[$0] + t * step[$0] }
                let (v, g) = evaluator.evaluateWithGradient(trial)
                if v.isFinite, v >= value + 1e-4 * t * slope || (slope <= 10 * noise && v >= value - noise) {
                    accepted = (trial, v, g); break
                }
                t *= 0.25
            }
            guard let next = accepted else {
                // No step the objective can tell from zero ascends: optimal to its rounding when the
                // step's predicted gain is that small too, else the model of the step was wrong.
                status = evaluator.evaluations - firstEvaluation >= maxEvaluations ? .maxEvaluationsReached
                    : slope <= 1e3 * noise ? .roundoffLimited : .stalled
                break
            }
            damping = t == 1 ? max(damping / 4, floor) : min(damping * 16, 1e6)
            x = next.plan; value = next.value; gradient = next.gradient
        }
        return SolverRun(plan: x, value: value, status: status, evaluations: evaluator.evaluations - firstEvaluation)
    }
}
