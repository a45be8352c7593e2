import Foundation
import Testing
@testable import MediaModel
@testable import Simulation

/// The decision study's worlds: seeded, varied as documented, and true to their drawn ROAS.
@Suite struct SimulatedWorldTests {
    @Test func worldsAreSeededAndSpanTheStatedRanges() {
        let worlds = (0..<40).map { SimulatedWorld.draw(index: $0, seed: 11) }
        #expect(worlds.map(\.channels.count).min()! >= 2 && worlds.map(\.channels.count).max()! <= 8)
        #expect(Set(worlds.map { $0.periods / 52 }).isSubset(of: [2, 3, 4]))
        #expect(worlds.map(\.spendCorrelation).min()! < 0.3 && worlds.map(\.spendCorrelation).max()! > 0.8)
        #expect(Set(worlds.map(\.saturation)) == Set(ModelSpecification.saturationCandidates))
        #expect(worlds.contains { !$0.normalizedCarryover } && worlds.contains(where: \.hasLiftTests))
        #expect(worlds.contains { $0.channels.contains(where: \.flighted) })
        let again = SimulatedWorld.draw(index: 7, seed: 11).simulate().history.dataset
        #expect(again.target == worlds[7].simulate().history.dataset.target)
    }

    @Test func presetsFixTheirTraitsAndLeaveTheRestDrawn() {
        for preset in WorldPreset.all {
            let worlds = (0..<30).map { SimulatedWorld.draw(index: $0, seed: 21, preset: preset) }
            for w in worlds {
                #expect(w.channels.count == 5 && w.seasonalSpend && !w.hasLiftTests)
                #expect(preset.correlation!.contains(w.spendCorrelation) && w.noiseShare == preset.noiseShare)
                if let years = preset.years { #expect(w.periods == 52 * years) }
            }
            // The traits a preset leaves alone still vary.
            #expect(Set(worlds.map(\.saturation)).count == 3 && Set(worlds.map(\.adstock)).count == 2)
        }
        // Without a preset the draws are every earlier study's: world 0 of seed 11 as the
        // study printed it before presets existed.
        #expect(SimulatedWorld.draw(index: 0, seed: 11).label == "michaelis_menten/delayed C2 Y3 ρ0.61 seas noise 3.1% trend")
    }

    @Test func historyEarnsTheDrawnROASAndLiftTestsAreNearTheTruth() {
        for index in 0..<12 {
            let (world, history) = SimulatedWorld.draw(index: index, seed: 3).simulate()
            for (got, drawn) in zip(history.roas, world.drawnROAS) { #expect(abs(got - drawn) <= 1e-9 * drawn) }
            // A flighted channel is off in some weeks; the others always spend.
            for (c, ch) in world.channels.enumerated() where ch.flighted { #expect(history.dataset.spend[c].contains(0)) }
            for test in history.liftTests {
                let c = world.channels.firstIndex { $0.name == test.channel }!
                let truth = world.steadyLift(channel: c, spend: test.spend, change: test.change, scale: history.spendScale[c])
                #expect(abs(test.lift - truth) <= 5 * test.standardError + 1)
            }
        }
    }

    /// The family gap is what forcing another family's shape onto the truth costs: about nothing
    /// for the true family itself, and large when a steep S-curve is read as Michaelis–Menten.
    @Test func familyGapIsNearZeroForTheTrueFamilyAndLargeForAClearlyDifferentOne() {
        for index in 0..<6 {
            let (world, history) = SimulatedWorld.draw(index: index, seed: 5).simulate()
            let own = world.familyGap(to: world.saturation, history: history)
            #expect(own >= 0 && own < 0.05, "world \(index): the true family's own gap is \(own)")
            // Hill holds Michaelis–Menten (slope 1), so another family may fit as well: only ≥ 0.
            for other in SaturationKind.allCases { #expect(world.familyGap(to: other, history: history) >= 0) }
        }
        var steep = SimulatedWorld.draw(index: 2, seed: 5)
        steep.saturation = .hill
        steep.noiseShare = 0.01
        for c in steep.channels.indices { steep.channels[c].saturationParameters = [0.5, 3] }
        let (world, history) = steep.simulate()
        #expect(world.familyGap(to: .hill, history: history) < 0.05)
        #expect(world.familyGap(to: .michaelisMenten, history: history) > 50)
        // The least-squares core: the residual of y on (1, s), and a negative slope held at 0.
        #expect(abs(SimulatedWorld.regressionResidual([1, 3, 5], on: [0, 1, 2])) < 1e-12)
        #expect(abs(SimulatedWorld.regressionResidual([1, 2, 4], on: [0, 1, 2]) - 1.0 / 6) < 1e-12)
        #expect(abs(SimulatedWorld.regressionResidual([3, 2, 1], on: [0, 1, 2]) - 2) < 1e-12)
    }
}
