import Foundation

/// The No-U-Turn transition (Hoffman & Gelman 2014; Betancourt 2017): trajectories built by
/// doubling in a random direction, multinomial sampling of the proposal over the trajectory
/// (biased progressive sampling between subtrees, uniform within), and the generalized
/// no-U-turn criterion checked across each merged tree and across the junction of its two halves.
///
/// One kernel serves one chain: it owns every buffer the recursion needs, one set per tree depth,
/// so a transition allocates nothing.
final class NUTSKernel {
    let hamiltonian: Hamiltonian
    var metric: EuclideanMetric { hamiltonian.metric }
    let n: Int
    /// Step size ε; set by adaptation during warmup, fixed afterwards.
    var stepSize: Double
    let maxTreeDepth: Int
    /// An energy error H − H₀ above this marks the transition divergent (Stan: 1000).
    let maxEnergyError: Double
    var rng: SeededGenerator
    /// Gradient evaluations so far (leapfrog steps plus step-size searches).
    private(set) var gradientEvaluations = 0

    // Trajectory state: the moving point, both ends, the sample and the current proposal.
    private let z, zForward, zBackward: PhasePoint
    // Proposals change hands by swapping references, never by copying: each subtree overwrites
    // its proposal at its first leaf before reading it, so a swapped-out object is free scratch.
    private var zSample, zPropose: PhasePoint
    // Momenta and velocities (M⁻¹p) at the ends of the backward and forward parts.
    private let pFF, pFB, pBF, pBB, vFF, vFB, vBF, vBB: Vector
    private let rho, rhoForward, rhoBackward: Vector
    private let levels: [TreeLevel]

    private var divergent = false
    private var leapfrogSteps = 0
    private var sumMetropolis = 0.0

    init(target: any LogDensity, metric: EuclideanMetric, stepSize: Double, maxTreeDepth: Int,
         maxEnergyError: Double, rng: SeededGenerator) {
        n = target.dimension
        let scratch = Vector.allocate(capacity: n)
        scratch.initialize(repeating: 0, count: n)
        hamiltonian = Hamiltonian(target: target, metric: metric, scratch: scratch)
        self.stepSize = stepSize
        self.maxTreeDepth = maxTreeDepth
        self.maxEnergyError = maxEnergyError
        self.rng = rng
        z = PhasePoint(dimension: n); zForward = PhasePoint(dimension: n)
        zBackward = PhasePoint(dimension: n); zSample = PhasePoint(dimension: n)
        zPropose = PhasePoint(dimension: n)
        let count = n
        func vector() -> Vector {
            let v = Vector.allocate(capacity: count)
            v.initialize(repeating: 0, count: count)
            return v
        }
        pFF = vector(); pFB = vector(); pBF = vector(); pBB = vector()
        vFF = vector(); vFB = vector(); vBF = vector(); vBB = vector()
        rho = vector(); rhoForward = vector(); rhoBackward = vector()
        levels = (0...max(maxTreeDepth, 1)).map { _ in TreeLevel(dimension: count) }
    }

    deinit {
        for v in [pFF, pFB, pBF, pBB, vFF, vFB, vBF, vBB, rho, rhoForward, rhoBackward,
                  hamiltonian.scratch] {
            v.deallocate()
        }
    }

    /// Evaluates the density at `point.q`; false outside the support.
    func evaluate(_ point: PhasePoint) -> Bool {
        gradientEvaluations += 1
        return hamiltonian.evaluate(point)
    }

    /// One NUTS transition from `state` (position, density and gradient); `state` becomes the draw.
    func transition(_ state: PhasePoint) -> TransitionInfo {
        z.assign(state)
        metric.sampleMomentum(into: z.p, using: &rng)
        metric.velocity(of: z.p, into: vFF)
        let h0 = hamiltonian.energy(z, velocity: vFF)
        z.energy = h0
        zForward.assign(z); zBackward.assign(z); zSample.assignProposal(z); zPropose.assignProposal(z)
        copyVector(vFF, to: vFB, n); copyVector(vFF, to: vBF, n); copyVector(vFF, to: vBB, n)
        copyVector(z.p, to: pFF, n); copyVector(z.p, to: pFB, n); copyVector(z.p, to: pBF, n)
        copyVector(z.p, to: pBB, n); copyVector(z.p, to: rho, n)

        var logSumWeight = 0.0  // log of exp(H₀ − H₀)
        leapfrogSteps = 0
        sumMetropolis = 0
        divergent = false
        var depth = 0

        while depth < maxTreeDepth {
            var logSumWeightSubtree = -Double.infinity
            let valid: Bool
            if rng.uniform() > 0.5 {
                // Extend forward: the old tree becomes the backward part.
                z.assign(zForward)
                copyVector(rho, to: rhoBackward, n)
                copyVector(pFF, to: pBF, n); copyVector(vFF, to: vBF, n)
                valid = buildTree(depth: depth, propose: &zPropose, vBegin: vFB, vEnd: vFF, rho: rhoForward,
                                  pBegin: pFB, pEnd: pFF, h0: h0, direction: 1, logSumWeight: &logSumWeightSubtree)
                zForward.assign(z)
            } else {
                // Extend backward: the old tree becomes the forward part.
                z.assign(zBackward)
                copyVector(rho, to: rhoForward, n)
                copyVector(pBB, to: pFB, n); copyVector(vBB, to: vFB, n)
                valid = buildTree(depth: depth, propose: &zPropose, vBegin: vBF, vEnd: vBB, rho: rhoBackward,
                                  pBegin: pBF, pEnd: pBB, h0: h0, direction: -1, logSumWeight: &logSumWeightSubtree)
                zBackward.assign(z)
            }
            if !valid { break }
            depth += 1

            // Biased progressive sampling: favour the new subtree when it carries more weight.
            if logSumWeightSubtree > logSumWeight || rng.uniform() < exp(logSumWeightSubtree - logSumWeight) {
                swap(&zSample, &zPropose)
            }
            logSumWeight = logSumExp(logSumWeight, logSumWeightSubtree)

            let persist = mergeAndCheck(
                first: (rho: rhoBackward, vBegin: vBB, pEnd: pBF, vEnd: vBF),
                second: (rho: rhoForward, pBegin: pFB, vBegin: vFB, vEnd: vFF),
                into: rho)
            if !persist { break }
        }

        state.assignProposal(zSample)
        return TransitionInfo(
            logDensity: zSample.logDensity,
            acceptStat: leapfrogSteps > 0 ? sumMetropolis / Double(leapfrogSteps) : 0,
            stepSize: stepSize,
            treeDepth: depth,
            leapfrogSteps: leapfrogSteps,
            divergent: divergent,
            energy: zSample.energy)
    }

    /// Joins two adjacent parts of a trajectory (`first` then `second` along it), writes their
    /// summed momentum into `rho`, and checks the generalized no-U-turn criterion three times:
    /// across the whole, and across each part extended by the neighbouring end point of the other
    /// (which catches U-turns a merge of two straight halves would hide). One pass over the vectors.
    @inline(__always)
    private func mergeAndCheck(first: (rho: Vector, vBegin: Vector, pEnd: Vector, vEnd: Vector),
                               second: (rho: Vector, pBegin: Vector, vBegin: Vector, vEnd: Vector),
                               into rho: Vector) -> Bool {
        var whole0 = 0.0, whole1 = 0.0, left0 = 0.0, left1 = 0.0, right0 = 0.0, right1 = 0.0
        for i in 0..<n {
            let r1 = first.rho[i], r2 = second.rho[i]
            let sum = r1 + r2
            rho[i] = sum
            whole0 += first.vBegin[i] * sum
            whole1 += second.vEnd[i] * sum
            let left = r1 + second.pBegin[i]
            left0 += first.vBegin[i] * left
            left1 += second.vBegin[i] * left
            let right = r2 + first.pEnd[i]
            right0 += first.vEnd[i] * right
            right1 += second.vEnd[i] * right
        }
        return whole0 > 0 && whole1 > 0 && left0 > 0 && left1 > 0 && right0 > 0 && right1 > 0
    }

    /// Builds a subtree of 2^depth leapfrog steps from the moving point `z` in `direction` and
    /// writes its summed momentum into `rho`. Returns false when the subtree diverged or turned
    /// back on itself, in which case the caller discards it.
    private func buildTree(depth: Int, propose: inout PhasePoint, vBegin: Vector, vEnd: Vector, rho: Vector,
                           pBegin: Vector, pEnd: Vector, h0: Double, direction: Double,
                           logSumWeight: inout Double) -> Bool {
        if depth == 0 {
            gradientEvaluations += 1
            leapfrogSteps += 1
            let kinetic = hamiltonian.leapfrog(z, epsilon: direction * stepSize, velocity: vBegin)
            let h = hamiltonian.energy(z, kinetic: kinetic)
            z.energy = h
            if h - h0 > maxEnergyError { divergent = true }
            logSumWeight = logSumExp(logSumWeight, h0 - h)
            sumMetropolis += h0 - h > 0 ? 1 : exp(h0 - h)
            propose.assignProposal(z)
            let p = z.p
            for i in 0..<n {
                let pi = p[i]
                vEnd[i] = vBegin[i]
                rho[i] = pi
                pBegin[i] = pi
                pEnd[i] = pi
            }
            return !divergent
        }

        let level = levels[depth]
        var logSumWeightInit = -Double.infinity
        guard buildTree(depth: depth - 1, propose: &propose, vBegin: vBegin, vEnd: level.vInitEnd,
                        rho: level.rhoInit, pBegin: pBegin, pEnd: level.pInitEnd, h0: h0,
                        direction: direction, logSumWeight: &logSumWeightInit)
        else { return false }

        var logSumWeightFinal = -Double.infinity
        guard buildTree(depth: depth - 1, propose: &level.proposeFinal, vBegin: level.vFinalBegin, vEnd: vEnd,
                        rho: level.rhoFinal, pBegin: level.pFinalBegin, pEnd: pEnd, h0: h0,
                        direction: direction, logSumWeight: &logSumWeightFinal)
        else { return false }

        // Uniform (multinomial) sampling between the two halves of this subtree.
        let logSumWeightSubtree = logSumExp(logSumWeightInit, logSumWeightFinal)
        logSumWeight = logSumExp(logSumWeight, logSumWeightSubtree)
        if logSumWeightFinal > logSumWeightSubtree
            || rng.uniform() < exp(logSumWeightFinal - logSumWeightSubtree) {
            swap(&propose, &level.proposeFinal)
        }

        return mergeAndCheck(
            first: (rho: level.rhoInit, vBegin: vBegin, pEnd: level.pInitEnd, vEnd: level.vInitEnd),
            second: (rho: level.rhoFinal, pBegin: level.pFinalBegin, vBegin: level.vFinalBegin, vEnd: vEnd),
            into: rho)
    }

    /// Stan's heuristic: double or halve ε until one leapfrog step from `state` with a fresh
    /// momentum crosses an acceptance of 0.8. Used at the start of warmup and after each
    /// metric update.
    func initializeStepSize(at state: PhasePoint) {
        guard stepSize.isFinite, stepSize > 0, stepSize <= 1e7 else { return }
        let threshold = log(0.8)
        func energyChange() -> Double {
            z.assign(state)
            metric.sampleMomentum(into: z.p, using: &rng)
            let h0 = hamiltonian.energy(z)
            gradientEvaluations += 1
            hamiltonian.leapfrog(z, epsilon: stepSize)
            return h0 - hamiltonian.energy(z)
        }
        let direction = energyChange() > threshold ? 1.0 : -1.0
        for _ in 0..<100 {
            let delta = energyChange()
            if direction == 1, !(delta > threshold) { break }
            if direction == -1, !(delta < threshold) { break }
            let next = direction == 1 ? 2 * stepSize : 0.5 * stepSize
            guard next <= 1e7, next >= 1e-12 else { break }
            stepSize = next
        }
    }
}

/// Scratch for one level of the tree recursion: the two halves' inner ends, their summed
/// momenta, and the proposal from the final half.
final class TreeLevel {
    let pInitEnd, vInitEnd, pFinalBegin, vFinalBegin, rhoInit, rhoFinal: Vector
    var proposeFinal: PhasePoint
    private let storage: Vector
    private let n: Int

    init(dimension n: Int) {
        self.n = n
        storage = .allocate(capacity: 6 * n)
        storage.initialize(repeating: 0, count: 6 * n)
        pInitEnd = storage; vInitEnd = storage + n; pFinalBegin = storage + 2 * n
        vFinalBegin = storage + 3 * n; rhoInit = storage + 4 * n; rhoFinal = storage + 5 * n
        proposeFinal = PhasePoint(dimension: n)
    }

    deinit { storage.deallocate() }
}
