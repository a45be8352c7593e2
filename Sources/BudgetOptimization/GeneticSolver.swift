import Foundation

/// A real-coded, elitist genetic algorithm whose every candidate is feasible (children are
/// projected back onto the budget and bounds). Seeded, so runs repeat exactly.
struct GeneticSolver {
    let problem: BudgetProblem
    let feasible: FeasibleSet
    var seed: UInt64 = 1
    /// Generations without a relative improvement above 1e-7 before stopping: on revenue in the
    /// millions that is a few currency units, below what any plan is read to.
    var patience = 30
    var maxGenerations = 400

    func solve(starts: [[Double]], evaluator: ObjectiveEvaluator) -> SolverRun {
        let n = problem.channels.count
        var rng = SplitMix(seed: seed)
        let size = min(max(24, 4 * n), 120)
        let span = zip(problem.lower, problem.upper).map { min($1 - $0, problem.budget) }
        var population = starts.map(feasible.project)
        while population.count < size { population.append(feasible.random(channels: n, using: &rng)) }
        var fitness = population.map(evaluator.evaluate)
        var evaluations = population.count
        var best = fitness.indices.max { fitness[$0] < fitness[$1] }!
        var bestValue = fitness[best]
        var stale = 0
        var generation = 0
        var mutationScale = 0.25

        func tournament() -> Int {
            let a = Int(rng.next() % UInt64(size)), b = Int(rng.next() % UInt64(size))
            return fitness[a] >= fitness[b] ? a : b
        }

        while generation < maxGenerations && stale < patience {
            generation += 1
            // Elitism: the two best survive unchanged.
            let ranked = fitness.indices.sorted { fitness[$0] > fitness[$1] }
            var next = [population[ranked[0]], population[ranked[1]]]
            var nextFitness = [fitness[ranked[0]], fitness[ranked[1]]]
            while next.count < size {
                let p = population[tournament()], q = population[tournament()]
                var child = [Double](repeating: 0, count: n)
                for c in 0..<n {
                    // Blend crossover, reaching a little beyond the parents.
                    let u = -0.25 + 1.5 * rng.uniform()
                    child[c] = p[c] + u * (q[c] - p[c])
                    if rng.uniform() < max(1 / Double(n), 0.1) {
                        child[c] += mutationScale * span[c] * rng.normal()
                    }
                }
                child = feasible.project(child)
                next.append(child)
                nextFitness.append(evaluator.evaluate(child))
                evaluations += 1
            }
            population = next
            fitness = nextFitness
            best = fitness.indices.max { fitness[$0] < fitness[$1] }!
            if fitness[best] > bestValue + 1e-7 * max(abs(bestValue), 1e-12) {
                bestValue = fitness[best]
                stale = 0
            } else {
                stale += 1
                // Narrow the search as it settles.
                mutationScale = max(mutationScale * 0.9, 1e-4)
            }
        }
        return SolverRun(plan: population[best], value: fitness[best],
                         status: stale >= patience ? .stagnated : .generationLimit, evaluations: evaluations)
    }
}
