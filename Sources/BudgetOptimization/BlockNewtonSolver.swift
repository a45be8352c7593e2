/// Newton's method for large schedules under the mean objective, where SLSQP's dense steps (cubic
/// in the cells) and an augmented Lagrangian's crawl on the budget equalities both cost hundreds
/// of evaluations on all draws.
///
/// The mean over draws of Σ_c r_c(s_c) has no cross-channel second derivatives, so its Hessian is
/// block-diagonal with one `[periods, periods]` block per channel, and one gradient per period
/// (every channel's cell in that period moved at once) measures all blocks: `periods` + 1
/// gradients, on a subsample of the draws (`curvature`), however many channels there are. Each
/// step solves the quadratic model exactly over the feasible set (`BlockQP`) and takes
/// the longest step along it, up to 1, that the objective on all draws accepts (Armijo). With
/// the curvature from a subsample the iteration converges linearly at a rate near the subsample's
/// relative curvature error, with the gradient always from all draws: a fixed point satisfies the
/// full problem's first-order conditions. Where a block is not negative definite (an S-shaped
/// curve below its bend, where pulsing pays) its eigenvalues enter by their absolute value, and
/// steps longer than the model's are tried while the objective keeps rising faster than it
/// predicts. Such problems can have several local optima; like SLSQP, this finds one.
struct BlockNewtonSolver {
    let problem: PlanProblem
    let feasible: FeasibleSet
    /// Newton steps at most (default 60).
    var maxIterations = 60
    /// Objective evaluations (on the evaluator's draws) after which no new step starts (default 300).
    var maxEvaluations = 300
    /// Converged when no cell moves more than this share of budget/cells (default 10⁻⁷: the
    /// first-order conditions then hold to about 10⁻⁸ of the largest marginal).
    var stepTolerance = 1e-7

    /// - Parameters:
    ///   - start: a feasible schedule `[channels, periods]`.
    ///   - evaluator: the objective on all draws, which steps are judged on.
    ///   - curvature: the same problem on (possibly) fewer draws, for the Hessian blocks only.
    func solve(from start: [Double], evaluator: PlanEvaluator, curvature: PlanEvaluator) -> SolverRun {
        let n = problem.dimension
        let unit = max(problem.budget / Double(max(n, 1)), 1e-12)
        let before = evaluator.evaluations, curvatureBefore = curvature.evaluations
        var s = start
        var (value, gradient) = evaluator.evaluateWithGradient(s)
        var prices: [Double]? = nil
        var blocks: [Double]? = nil, moved = Double.infinity
        var status = SolverStatus.iterationLimit
        for _ in 0..<maxIterations {
            if evaluator.evaluations - before >= maxEvaluations { status = .maxEvaluationsReached; break }
            // As with SLSQP: an objective that is not finite here ends the run, its point unusable.
            guard value.isFinite, gradient.allSatisfy(\.isFinite) else { status = .forcedStop; break }
            // Once steps are a thousandth of a cell the curvature barely changes between them (and
            // comes from a subsample anyway): the last blocks serve again.
            if blocks == nil || moved > 1e-3 * unit {
                blocks = hessianBlocks(at: s, curvature: curvature, gradient: curvature === evaluator ? gradient : nil)
            }
            let blocks = blocks!
            let qp = BlockQP(problem: problem, schedule: s, gradient: gradient, curvature: blocks)
            let (raw, found) = qp.solve(prices: prices)
            prices = found
            // The step to the model's optimum made exactly feasible (the prices meet the budgets
            // to a tolerance only); steps along it stay feasible.
            let target = feasible.project(zip(s, raw).map(+))
            let step = zip(target, s).map(-)
            // A non-finite step would read as a zero one (max skips NaN): end the run, point kept.
            guard step.allSatisfy(\.isFinite) else { status = .stalled; break }
            let longest = step.reduce(0) { max($0, abs($1)) }
            if longest <= stepTolerance * unit { status = .stepToleranceReached; break }
            let slope = qp.slope(of: step, prices: found)
            // A short step whose slope rounds to ≤ 0 is at the optimum to the QP's precision; a
            // long one means the step's model was not solved well enough to ascend.
            guard slope > 0 else { status = longest <= 1e-3 * unit ? .roundoffLimited : .stalled; break }
            var alpha = 1.0, accepted = false
            let s0 = s, previous = value
            // Close to the optimum the gain of a full step is below the objective's rounding: the
            // step is then taken when the objective is not measurably worse, as the first-order
            // conditions still improve; shorter steps are tried only while their gain could show.
            let noise = 1e-13 * abs(value)
            repeat {
                let trial = feasible.project(zip(s, step).map { $0 + alpha * $1 })
                let (trialValue, trialGradient) = evaluator.evaluateWithGradient(trial)
                if trialValue.isFinite, trialValue >= value + 1e-4 * alpha * slope || (slope <= 10 * noise && trialValue >= value - noise) {
                    s = trial; value = trialValue; gradient = trialGradient; accepted = true
                    break
                }
                alpha *= 0.25
            } while alpha * slope > noise
            // Where a curve bends upwards the model (curvature by absolute value) is too
            // pessimistic: while the gain beats the model's by a quarter, longer steps are tried.
            if accepted, alpha == 1, value - previous >= 1.25 * (slope - 0.5 * quadratic(step, blocks)) {
                for _ in 0..<12 {
                    let trial = feasible.project(zip(s0, step).map { $0 + 2 * alpha * $1 })
                    let (trialValue, trialGradient) = evaluator.evaluateWithGradient(trial)
                    guard trialValue.isFinite, trialValue > value else { break }
                    s = trial; value = trialValue; gradient = trialGradient; alpha *= 2
                }
            }
            // Not even a step the objective cannot tell from 0 was accepted: as good as it gets.
            guard accepted else { status = .roundoffLimited; break }
            moved = alpha * longest
        }
        // Curvature evaluations counted as the share of all draws they cost.
        let share = Double(curvature.draws) / Double(max(evaluator.draws, 1))
        let curvatureSpent = curvature === evaluator ? 0 : curvature.evaluations - curvatureBefore
        let spent = evaluator.evaluations - before + Int((Double(curvatureSpent) * share).rounded(.up))
        return SolverRun(plan: s, value: value, status: status, evaluations: spent)
    }

    /// dᵀQd for block-diagonal Q (`[channels, periods, periods]`).
    func quadratic(_ d: [Double], _ blocks: [Double]) -> Double {
        let C = problem.channels.count, H = problem.periods
        var sum = 0.0
        for c in 0..<C {
            for i in 0..<H {
                var row = 0.0
                for j in 0..<H { row += blocks[c * H * H + i * H + j] * d[c * H + j] }
                sum += d[c * H + i] * row
            }
        }
        return sum
    }

    /// −∂²J/∂s_c∂s_c per channel, `[channels, periods, periods]`, symmetrized and made positive
    /// definite (eigenvalues by absolute value), from forward differences of the gradient: moving
    /// every channel's cell in period t at once gives column t of every block, since channels do
    /// not interact.
    /// - Parameter known: the curvature evaluator's gradient at `s`, when already at hand.
    func hessianBlocks(at s: [Double], curvature: PlanEvaluator, gradient known: [Double]? = nil) -> [Double] {
        let C = problem.channels.count, H = problem.periods
        let unit = max(problem.budget / Double(max(C * H, 1)), 1e-12)
        let g0 = known ?? curvature.evaluateWithGradient(s).1
        // Steps relative to each channel's typical cell: the curves' scale is their spend.
        let steps = (0..<C).map { c in 1e-5 * max((0..<H).reduce(0) { $0 + s[c * H + $1] } / Double(H), unit) }
        var blocks = [Double](repeating: 0, count: C * H * H)
        for t in 0..<H {
            var moved = s
            for c in 0..<C { moved[c * H + t] += steps[c] }
            let (_, g1) = curvature.evaluateWithGradient(moved)
            for c in 0..<C {
                for r in 0..<H { blocks[c * H * H + r * H + t] = -(g1[c * H + r] - g0[c * H + r]) / steps[c] }
            }
        }
        var largest = 0.0
        for c in 0..<C {
            let q = c * H * H
            for i in 0..<H {
                if blocks[q + i * H + i].isFinite { largest = max(largest, blocks[q + i * H + i]) }
                for j in 0..<i {
                    let m = (blocks[q + i * H + j] + blocks[q + j * H + i]) / 2
                    blocks[q + i * H + j] = m; blocks[q + j * H + i] = m
                }
            }
        }
        // A floor that keeps a flat block's step finite: its curvature as if the gradient halved
        // over the budget.
        let floor = max(1e-8 * largest, 0.5 * g0.reduce(0) { $1.isFinite ? max($0, abs($1)) : $0 } / max(problem.budget, 1e-12), 1e-300)
        // Each block's eigenvalues are replaced by their absolute values (at least the floor):
        // along a direction where the curve bends upwards (an S-shaped curve below its bend) the
        // step then has the length the curvature suggests, instead of the crawl a uniform shift
        // that makes the block definite would allow.
        for c in 0..<C {
            let q = c * H * H
            // A curve whose gradient is not finite near s gets a stiff block: its cells barely move.
            guard blocks[q..<(q + H * H)].allSatisfy(\.isFinite) else {
                for i in 0..<H { for j in 0..<H { blocks[q + i * H + j] = i == j ? max(largest, floor) : 0 } }
                continue
            }
            var (values, vectors) = symmetricEigen(Array(blocks[q..<(q + H * H)]), H)
            values = values.map { max(abs($0), floor) }
            for i in 0..<H {
                for j in 0...i {
                    var sum = 0.0
                    for k in 0..<H { sum += vectors[i * H + k] * values[k] * vectors[j * H + k] }
                    blocks[q + i * H + j] = sum; blocks[q + j * H + i] = sum
                }
            }
        }
        return blocks
    }
}

/// Eigenvalues and eigenvectors of a small symmetric matrix (`[n, n]`) by cyclic Jacobi
/// rotations: the eigenvectors are the columns of the returned `[n, n]` matrix.
func symmetricEigen(_ matrix: [Double], _ n: Int) -> (values: [Double], vectors: [Double]) {
    var a = matrix
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    for _ in 0..<100 {
        var off = 0.0, total = 0.0
        for i in 0..<n {
            for j in 0..<n { total += a[i * n + j] * a[i * n + j]; if i != j { off += a[i * n + j] * a[i * n + j] } }
        }
        if off <= 1e-30 * total || off == 0 { break }
        for p in 0..<n {
            for q in (p + 1)..<max(n, p + 1) {
                let apq = a[p * n + q]
                if apq == 0 { continue }
                let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                let cosine = 1 / (t * t + 1).squareRoot(), sine = t * cosine
                for k in 0..<n {
                    let akp = a[k * n + p], akq = a[k * n + q]
                    a[k * n + p] = cosine * akp - sine * akq
                    a[k * n + q] = sine * akp + cosine * akq
                }
                for k in 0..<n {
                    let apk = a[p * n + k], aqk = a[q * n + k]
                    a[p * n + k] = cosine * apk - sine * aqk
                    a[q * n + k] = sine * apk + cosine * aqk
                }
                for k in 0..<n {
                    let vkp = v[k * n + p], vkq = v[k * n + q]
                    v[k * n + p] = cosine * vkp - sine * vkq
                    v[k * n + q] = sine * vkp + cosine * vkq
                }
            }
        }
    }
    return ((0..<n).map { a[$0 * n + $0] }, v)
}

/// The block Newton strategy for large schedules under the mean objective: a first pass on a
/// subsample of the draws, channel switches, then Newton on all draws.
struct BlockNewtonRun {
    let problem: PlanProblem
    let feasible: FeasibleSet
    let strategy: SolverStrategy

    /// Newton steps first on `coarseDraws` draws (the curvature on a quarter of them), then on all
    /// draws with the curvature from the `coarseDraws`. Channels that earn less than their money
    /// would elsewhere are tried switched off (`ChannelSwitch`), on the subsample when
    /// there is one; then both schedules are finished on all draws and the better kept. Nil (with
    /// a notice) when no usable feasible schedule came out. Adds the
    /// subsample's evaluations, as a share of all draws, to `evaluations` (the full evaluator's
    /// own are counted by the caller).
    func solve(from start: [Double], evaluator: PlanEvaluator, evaluations: inout Int, notices: inout [String]) -> SolverRun? {
        let coarseDraws = strategy.coarseDraws
        let coarse = problem.subsampled(to: coarseDraws)
        let subsampled = coarse.drawCount < problem.drawCount
        let coarseEvaluator = PlanEvaluator(coarse)
        var points = [start]
        if subsampled {
            // The first pass only has to come close: its curvature from a quarter of its draws.
            let rough = PlanEvaluator(coarse.subsampled(to: max(coarseDraws / 4, 1)))
            let curvature = rough.draws < coarseEvaluator.draws ? rough : coarseEvaluator
            let run = BlockNewtonSolver(problem: coarse, feasible: feasible).solve(from: start, evaluator: coarseEvaluator, curvature: curvature)
            if run.status.pointIsUsable, run.value.isFinite, feasible.isFeasible(run.plan, tolerance: 1e-7) {
                points = [run.plan]
                let switched = ChannelSwitch(problem: coarse, feasible: feasible).improve(run, evaluator: coarseEvaluator, curvature: curvature)
                // The subsample can misjudge a switch, even as judged on all draws at its optimum
                // (measured: 1e-4 worse after finishing): both are finished, all draws choose.
                if switched.plan != run.plan { points.append(switched.plan) }
            }
            if curvature !== coarseEvaluator {
                evaluations += Int((Double(rough.evaluations) * Double(rough.draws) / Double(max(problem.drawCount, 1))).rounded(.up))
            }
        }
        let solver = BlockNewtonSolver(problem: problem, feasible: feasible)
        let curvature = subsampled ? coarseEvaluator : evaluator
        var best: SolverRun?
        for point in points {
            let run = solver.solve(from: point, evaluator: evaluator, curvature: curvature)
            guard run.status.pointIsUsable, run.value.isFinite, feasible.isFeasible(run.plan, tolerance: 1e-7) else {
                notices.append("Newton's method ended with '\(run.status)'; its schedule was discarded")
                continue
            }
            if run.value > best?.value ?? -.infinity { best = run }
        }
        if !subsampled, let run = best {
            best = ChannelSwitch(problem: problem, feasible: feasible).improve(run, evaluator: evaluator, curvature: evaluator)
        }
        evaluations += Int((Double(coarseEvaluator.evaluations) * Double(coarse.drawCount) / Double(max(problem.drawCount, 1))).rounded(.up))
        return best
    }
}
