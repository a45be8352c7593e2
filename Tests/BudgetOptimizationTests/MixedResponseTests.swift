import Foundation
import Testing
@testable import BudgetOptimization

/// A stacked posterior's responses: blocks of draws from several models, read as one.
@Suite struct MixedResponseTests {
    @Test func blocksReadInOrderAndSubsetsKeepTheirDraws() {
        let a = SqrtResponse(a: [1, 2, 3]), b = LogResponse(a: [10, 20], k: 0.5)
        let mixed = MixedResponse(parts: [a, b])
        #expect(mixed.drawCount == 5)
        var values = [Double](repeating: 0, count: 5), slopes = values
        mixed.evaluate(budget: 4, values: &values, slopes: &slopes)
        let expected: [Double] = [2.0, 4, 6, 10 * log1p(2.0 as Double), 20 * log1p(2.0 as Double)]
        for (x, y) in zip(values, expected) { #expect(abs(x - y) < 1e-12) }
        #expect(abs(slopes[0] - 0.25) < 1e-12 && abs(slopes[4] - 20 * 0.5 / 3) < 1e-12)
        let subset = mixed.restricted(to: [1, 3])
        var v2 = [Double](repeating: 0, count: 2), s2 = v2
        subset.evaluate(budget: 4, values: &v2, slopes: &s2)
        #expect(subset.drawCount == 2 && abs(v2[0] - 4) < 1e-12 && abs(v2[1] - 10 * log1p(2.0 as Double)) < 1e-12)
    }
}
