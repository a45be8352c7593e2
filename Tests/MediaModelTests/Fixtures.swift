import Foundation
import Testing
import MediaModel
import Simulation
import Sampling

/// A small truth with four correlated channels, used across the model tests.
func fourChannelTruth(saturation: SaturationKind, adstock: AdstockKind = .geometric, periods: Int = 104) -> SimulationTruth {
    let hill = saturation == .hill
    var truth = SimulationTruth(periods: periods, intercept: 1000, noise: 40, channels: [
        .init(name: "tv", weeklySpend: 100, effect: 500, alpha: 0.6, peak: 2, halfSaturation: hill ? 0.5 : 2.5, slope: 1.5),
        .init(name: "search", weeklySpend: 60, effect: 300, alpha: 0.2, peak: 1, halfSaturation: hill ? 0.4 : 3.0, slope: 1.0),
        .init(name: "social", weeklySpend: 40, effect: 250, alpha: 0.4, peak: 1, halfSaturation: hill ? 0.6 : 2.0, slope: 2.0),
        .init(name: "display", weeklySpend: 20, effect: 120, alpha: 0.3, peak: 0.5, halfSaturation: hill ? 0.3 : 3.5, slope: 1.2),
    ])
    truth.saturation = saturation
    truth.adstock = adstock
    truth.trend = 150
    truth.seasonalAmplitude = 60
    truth.controls = [Control(name: "holiday", effect: 200)]
    return truth
}

/// The model's analytic gradient against central finite differences (step 1e-5, relative
/// tolerance 1e-5) at `points` random unconstrained points of scale `spread`, seeded.
func expectGradientMatchesFiniteDifferences(_ model: MediaMixModel, points: Int, spread: Double, seed: UInt64, label: String) {
    var rng = SeededGenerator(seed: seed)
    for _ in 0..<points {
        let theta = (0..<model.dimension).map { _ in rng.normal() * spread }
        let (value, gradient) = model.logDensityAndGradient(at: theta)
        #expect(value.isFinite)
        for i in 0..<model.dimension {
            let h = 1e-5
            var up = theta, down = theta
            up[i] += h; down[i] -= h
            let numeric = (model.logDensityAndGradient(at: up).value - model.logDensityAndGradient(at: down).value) / (2 * h)
            #expect(abs(numeric - gradient[i]) < 1e-5 * max(1, abs(numeric)),
                    "\(label) \(model.parameters[i].name): analytic \(gradient[i]), numeric \(numeric)")
        }
    }
}
