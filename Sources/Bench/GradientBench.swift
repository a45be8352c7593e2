import Autodiff
import Foundation
import MediaModel
import Planning
import Sampling

/// Time per call of the model's log density and gradient at a chain's starting point, one core:
/// the figure the model core is judged by (the sampler calls it once per leapfrog step).
func gradientSeconds(_ model: MediaMixModel, calls: Int = 20_000) -> Double {
    let target = model.forChain()
    let theta = model.initialPoints(chains: 1, seed: 1)[0]
    var gradient = [Double](repeating: 0, count: model.dimension)
    var sink = 0.0
    let start = processCPUSeconds()
    theta.withUnsafeBufferPointer { x in
        gradient.withUnsafeMutableBufferPointer { g in
            for _ in 0..<calls { sink += target.logDensity(at: x, gradient: g) }
        }
    }
    let seconds = (processCPUSeconds() - start) / Double(calls)
    if !sink.isFinite { print("  (the log density was not finite at the starting point)") }
    return seconds
}

/// The bundled example's model (5 channels, Hill, geometric lag 8) as `scenarios/weekly-example.yaml` builds it.
func bundledExampleModel() throws -> MediaMixModel {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let scenario = try Scenario.load(path: root.appendingPathComponent("scenarios/weekly-example.yaml").path)
    return try MediaMixModel(data: DatasetLoader.load(scenario.data, minimumRows: 1), specification: scenario.model)
}

func benchGradient() throws {
    let model = try bundledExampleModel()
    let s = gradientSeconds(model)
    print(String(format: "Gradient, bundled example (Hill, %d parameters): %.2f µs per call; the costliest operations:", model.dimension, s * 1e6))
    let costs = model.profileOperations(calls: 5000, clock: processCPUSeconds).sorted { $0.forward + $0.backward > $1.forward + $1.backward }
    for (name, f, b) in costs.prefix(6) {
        print(String(format: "  %-24@ forward %6.2f µs, backward %6.2f µs", name as NSString, f * 1e6, b * 1e6))
    }
    benchVectorMath()
}

/// The lane-wise exp and log against the C library's, per element over a model-sized array.
func benchVectorMath() {
    let n = 780, reps = 20_000
    let xs = (0..<n).map { 0.05 + Double($0 % 156) / 156.0 }
    var out = [Double](repeating: 0, count: n)
    func time(_ body: () -> Void) -> Double {
        let t0 = processCPUSeconds()
        for _ in 0..<reps { body() }
        return (processCPUSeconds() - t0) / Double(reps * n) * 1e9
    }
    let vexp = time { xs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { VectorMath.exp(x.baseAddress!, into: $0.baseAddress!, count: n) } } }
    let vlog = time { xs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { VectorMath.log(x.baseAddress!, into: $0.baseAddress!, count: n) } } }
    let cexp = time { for i in 0..<n { out[i] = Foundation.exp(xs[i]) } }
    let clog = time { for i in 0..<n { out[i] = Foundation.log(xs[i]) } }
    print(String(format: "  exp %.2f ns per element (C library %.2f), log %.2f ns (C library %.2f)\n", vexp, cexp, vlog, clog))
}
