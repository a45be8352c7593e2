import Foundation
import MediaModel
import Testing
@testable import Planning

/// The fixed design (intercept, trend, seasonality, controls) must be identifiable: a control the
/// others explain is refused, naming what explains it; a merely correlated control is not.
@Suite struct DesignCheckTests {
    let T = 120

    func scenario(trend: TrendKind = .linear, order: Int = 2, stated: Bool = true) -> Scenario {
        var model = ModelSpecification()
        model.trend = trend
        model.trendStated = stated
        model.seasonality = Seasonality(period: 52.18, order: order)
        return Scenario(name: "d", file: "s.yaml", data: DataSpecification(file: "d.csv", date: "week", target: "y", channels: ["tv"]),
                        model: model, sampler: .init())
    }

    func data(controls: [(String, [Double])]) -> Dataset {
        let target = (0..<T).map { 100 + 10 * sin(Double($0)) + Double($0 % 7) }
        return Dataset(dates: (0..<T).map { "d\($0)" }, targetName: "y", target: target, channels: ["tv"],
                       spend: [(0..<T).map { 1 + Double($0 % 5) }], controlNames: controls.map(\.0), controls: controls.map(\.1))
    }

    /// A deterministic wiggle, uncorrelated with trend and seasonality.
    func noise(_ t: Int, _ seed: Int) -> Double { Double((t * 7919 + seed * 104_729) % 1000) / 1000 - 0.5 }

    @Test func aTimeIndexBesideALinearTrendIsRefused() {
        let e = inputError { try DesignCheck.check(data(controls: [("t", (0..<T).map { Double($0) })]), scenario: scenario()) }
        #expect(e?.kind == .configuration && e?.message.contains("column 't'") == true && e?.message.contains("linear trend") == true
                && e?.message.contains("model.trend: none") == true, "\(String(describing: e))")
        // Without the trend term the same column is the trend, and is fine; an unstated trend
        // gives way to it.
        #expect(inputError { try DesignCheck.check(data(controls: [("t", (0..<T).map { Double($0) })]), scenario: scenario(trend: .none)) } == nil)
        #expect(inputError { try DesignCheck.check(data(controls: [("t", (0..<T).map { Double($0) })]), scenario: scenario(stated: false)) } == nil)
    }

    @Test func aSeasonalControlIsRefusedNamingTheSeasonality() {
        let season = (0..<T).map { 3 * sin(2 * Double.pi * Double($0) / 52.18) + 1 }
        let e = inputError { try DesignCheck.check(data(controls: [("temp", season)]), scenario: scenario()) }
        #expect(e?.message.contains("the seasonality") == true && e?.message.contains("column 'temp'") == true, "\(String(describing: e))")
        #expect(inputError { try DesignCheck.check(data(controls: [("temp", season)]), scenario: scenario(order: 0)) } == nil)
    }

    @Test func aControlThatRepeatsAnotherIsRefused() {
        let price = (0..<T).map { 1 + noise($0, 1) }
        let copy = price.map { 2 * $0 + 5 + 1e-9 }
        let e = inputError { try DesignCheck.check(data(controls: [("price", price), ("price_x2", copy)]), scenario: scenario()) }
        #expect(e?.message.contains("column 'price_x2'") == true && e?.message.contains("control 'price'") == true, "\(String(describing: e))")
    }

    @Test func correlatedButIdentifiableControlsPass() {
        // 0.95 trend plus a real wiggle: correlated, not collinear.
        let drifting = (0..<T).map { Double($0) / Double(T) + 0.3 * noise($0, 2) }
        let price = (0..<T).map { 1 + noise($0, 3) }
        #expect(inputError { try DesignCheck.check(data(controls: [("drift", drifting), ("price", price)]), scenario: scenario()) } == nil)
    }

    @Test func constantColumnsAndOutOfRangeValuesAreRefused() {
        let constant = inputError { try DesignCheck.check(data(controls: [("flag", Array(repeating: 1, count: T))]), scenario: scenario()) }
        #expect(constant?.kind == .configuration && constant?.message.contains("column 'flag'") == true)
        var d = data(controls: [])
        d.target = Array(repeating: 7, count: T)
        #expect(inputError { try DesignCheck.check(d, scenario: scenario()) }?.kind == .data)
        d = data(controls: [])
        d.spend[0][5] = 2e15
        let big = inputError { try DesignCheck.check(d, scenario: scenario()) }
        #expect(big?.kind == .data && big?.message.contains("row dated d5, column 'tv'") == true, "\(String(describing: big))")
        d = data(controls: [])
        d.target = d.target.map { $0 * 1e-12 }
        #expect(inputError { try DesignCheck.check(d, scenario: scenario()) }?.message.contains("below 1e-09") == true)
    }
}
