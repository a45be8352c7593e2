import Foundation
import Testing
@testable import Sampling

/// R̂, ESS, MCSE and E-BFMI against values computed independently by ArviZ 0.23.4 on fixed arrays
/// (Fixtures/arviz_expected.py writes ArvizFixtures.swift).
@Suite struct DiagnosticsTests {
    @Test(arguments: ArvizFixtures.cases.map(\.name))
    func matchesArviz(name: String) throws {
        let c = try #require(ArvizFixtures.cases.first { $0.name == name })
        func close(_ a: Double, _ b: Double, _ what: String) {
            #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(name) \(what): ours \(a), ArviZ \(b)")
        }
        close(Diagnostics.rHat(c.draws), c.rHat, "R-hat")
        close(Diagnostics.essBulk(c.draws), c.essBulk, "bulk ESS")
        close(Diagnostics.essTail(c.draws), c.essTail, "tail ESS")
        close(Diagnostics.essMean(c.draws), c.essMean, "mean ESS")
        close(Diagnostics.mcseMean(c.draws), c.mcseMean, "MCSE")
        for (chain, expected) in zip(c.draws, c.bfmi) { close(Diagnostics.ebfmi(energy: chain), expected, "E-BFMI") }
    }

    @Test func chainsStuckApartHaveLargeRHat() {
        let a = (0..<100).map { Double($0 % 7) / 7 }
        let b = a.map { $0 + 3 }
        #expect(Diagnostics.rHat([a, b]) > 1.5)
    }

    @Test func constantDrawsHaveUndefinedRHatAndFullESS() {
        let constant = [[Double]](repeating: [Double](repeating: 2, count: 10), count: 2)
        #expect(Diagnostics.rHat(constant).isNaN)
        #expect(Diagnostics.essMean(constant) == 20)
    }
}
