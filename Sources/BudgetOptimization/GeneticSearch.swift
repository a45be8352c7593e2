import Foundation

/// The genetic algorithm's loop, independent of what a plan is: real-coded, elitist, every
/// candidate repaired onto the feasible set by `repair`. Seeded, so runs repeat exactly.
/// `PlanOptimizer` runs it as the cross-check, the fallback, or alone under `optimizer: ga`.
struct GeneticSearch {
    var seed: UInt64 = 1
    /// Generations without a relative improvement above `tolerance` before stopping.
    var patience = 30
    /// The relative improvement that counts (default 1e-7: a few currency units on revenue in
    /// the millions).
    var tolerance = 1e-7
    var maxGenerations = 400
    /// Population size bounds; the size is 4 per variable within them.
    var minimumSize = 24
    var maximumSize = 120

    /// - Parameters:
    ///   - span: how far each variable may usefully move, `[dimension]` (mutations are scaled by it).
    ///   - repair: the closest feasible plan.
    ///   - random: a random feasible plan.
    func solve(starts: [[Double]], span: [Double], repair: ([Double]) -> [Double],
               random: (inout SplitMix) -> [Double], evaluate: ([Double]) -> Double) -> SolverRun {
        let n = span.count
        var rng = SplitMix(seed: seed)
        let size = min(max(minimumSize, 4 * n), maximumSize)
        var population = starts.map(repair)
        while population.count < size { population.append(random(&rng)) }
        var fitness = population.map(evaluate)
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
                child = repair(child)
                next.append(child)
                nextFitness.append(evaluate(child))
                evaluations += 1
            }
            population = next
            fitness = nextFitness
            best = fitness.indices.max { fitness[$0] < fitness[$1] }!
            if fitness[best] > bestValue + tolerance * max(abs(bestValue), 1e-12) {
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
