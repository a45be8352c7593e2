import Foundation
import Testing
@testable import Sampling
import ReferenceDensities

/// Layer 1: tree sizes, the warmup schedule and dual averaging, checked exactly.
@Suite struct TreeAndScheduleTests {
    @Test(arguments: [1, 3, 6, 10])
    func treesOnAFlatTargetGrowToTheMaximumDepth(maxDepth: Int) throws {
        var c = configuration(chains: 1, warmup: 0, draws: 5)
        c.maxTreeDepth = maxDepth
        c.adaptStepSize = false
        c.initialStepSize = 0.1
        let result = try NUTSSampler(configuration: c).sample(FlatTarget(dimension: 3))
        for info in result.chains[0].statistics {
            #expect(info.treeDepth == maxDepth)
            #expect(info.leapfrogSteps == (1 << maxDepth) - 1)
            #expect(!info.divergent)
            #expect(abs(info.acceptStat - 1) < 1e-12)  // energy is conserved up to rounding
        }
    }

    @Test func leapfrogCountsMatchTheDoublingScheme() throws {
        // A tree that stops at a U-turn across merged halves has exactly 2^depth − 1 steps; one whose
        // newest subtree was rejected part-way has between 2^depth and 2^(depth+1) − 1.
        // Stan's warmup: this seed's run under it shows both kinds of tree (the check is of the
        // doubling scheme, not of the adaptation).
        var c = configuration(chains: 2, warmup: 200, draws: 300)
        c.gradientInformedWarmup = false
        let result = try NUTSSampler(configuration: c).sample(GaussianTarget.standard(dimension: 20))
        var sawEarlyStop = false, sawMerge = false
        for info in result.chains.flatMap(\.statistics) {
            let d = info.treeDepth, n = info.leapfrogSteps
            let merged = n == (1 << d) - 1
            let rejected = n >= (1 << d) && n <= (1 << (d + 1)) - 1
            #expect(merged || rejected, "depth \(d) with \(n) leapfrog steps")
            sawMerge = sawMerge || merged
            sawEarlyStop = sawEarlyStop || (rejected && !merged)
        }
        #expect(sawMerge && sawEarlyStop)
    }

    @Test func stansDefaultWarmupSchedule() {
        let s = WarmupSchedule(warmup: 1000)
        #expect(s.initialBuffer == 75 && s.terminalBuffer == 50 && s.baseWindow == 25)
        #expect(s.metricWindows == [75..<100, 100..<150, 150..<250, 250..<450, 450..<950])
    }

    @Test func shortWarmupsShrinkTheBuffers() {
        // 75 + 25 + 50 > 100: buffers become 15% and 10%, one slow window fills the middle.
        let s = WarmupSchedule(warmup: 100)
        #expect(s.initialBuffer == 15 && s.terminalBuffer == 10 && s.baseWindow == 75)
        #expect(s.metricWindows == [15..<90])
        // Exactly fitting defaults: a single slow window.
        #expect(WarmupSchedule(warmup: 150).metricWindows == [75..<100])
        #expect(WarmupSchedule(warmup: 200).metricWindows == [75..<100, 100..<150])
        // The first window is never stretched; the second takes what a third could not use.
        #expect(WarmupSchedule(warmup: 170).metricWindows == [75..<100, 100..<120])
        #expect(WarmupSchedule(warmup: 300).metricWindows == [75..<100, 100..<150, 150..<250])
        #expect(WarmupSchedule(warmup: 2000).metricWindows
                == [75..<100, 100..<150, 150..<250, 250..<450, 450..<850, 850..<1950])
    }

    @Test func tooShortWarmupAdaptsNoMetric() {
        #expect(WarmupSchedule(warmup: 19).metricWindows.isEmpty)
        #expect(WarmupSchedule(warmup: 0).metricWindows.isEmpty)
    }

    @Test func dualAveragingFindsTheStepWithTheTargetAcceptance() {
        // Acceptance falls as exp(−ε): the step with acceptance 0.8 is ε* = −ln 0.8. The averaged
        // iterate converges like t^(−1/2) (a Python transcription of the update gives relative
        // errors 1.8% at t = 1000 and 0.17% at t = 100 000).
        let optimum = -log(0.8)
        var averaging = DualAveraging(initialStepSize: 1, targetAcceptance: 0.8)
        var epsilon = 1.0
        var errorAt1000 = 0.0
        for t in 1...100_000 {
            epsilon = averaging.update(acceptStat: exp(-epsilon))
            if t == 1000 { errorAt1000 = abs(averaging.averagedStepSize / optimum - 1) }
        }
        let errorAtEnd = abs(averaging.averagedStepSize / optimum - 1)
        #expect(errorAtEnd < 2.5e-3, "relative error \(errorAtEnd)")
        #expect(errorAtEnd < errorAt1000 / 5)

        // With noisy acceptance statistics the average still settles near ε*.
        var noisy = DualAveraging(initialStepSize: 0.01, targetAcceptance: 0.65)
        var rng = SeededGenerator(seed: 2)
        epsilon = 0.01
        for _ in 0..<20000 {
            let a = min(1, max(0, exp(-epsilon) + 0.1 * rng.normal()))
            epsilon = noisy.update(acceptStat: a)
        }
        #expect(abs(noisy.averagedStepSize / -log(0.65) - 1) < 0.05, "noisy: \(noisy.averagedStepSize)")
    }

    @Test func higherTargetAcceptanceGivesSmallerStepsAndHigherAcceptance() throws {
        // Like Stan's, the averaged step is smaller than the last iterates, so the realized mean
        // acceptance sits at or above the target, never well below it.
        var steps: [Double] = [], acceptance: [Double] = []
        for target in [0.6, 0.8, 0.95] {
            var c = configuration(chains: 2, warmup: 1000, draws: 1000)
            c.targetAcceptance = target
            let result = try NUTSSampler(configuration: c).sample(GaussianTarget.standard(dimension: 10))
            let mean = result.chains.flatMap(\.statistics).map(\.acceptStat).reduce(0, +) / 2000
            #expect(mean > target - 0.03, "target \(target), mean accept_stat \(mean)")
            steps.append(result.chains.map(\.stepSize).reduce(0, +) / 2)
            acceptance.append(mean)
        }
        #expect(steps[0] > steps[1] && steps[1] > steps[2], "steps \(steps)")
        #expect(acceptance[0] < acceptance[1] && acceptance[1] < acceptance[2], "acceptance \(acceptance)")
    }

    @Test func hugeFixedStepsDiverge() throws {
        var c = configuration(chains: 2, warmup: 0, draws: 50)
        c.adaptStepSize = false
        c.initialStepSize = 30
        let result = try NUTSSampler(configuration: c).sample(GaussianTarget.standard(dimension: 10))
        #expect(result.divergences == 100)
        #expect(result.chains.flatMap(\.statistics).allSatisfy { $0.treeDepth == 0 && $0.leapfrogSteps == 1 })
    }
}
