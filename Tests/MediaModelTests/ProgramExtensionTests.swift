import Autodiff
import Foundation
import Testing
@testable import MediaModel
@testable import Simulation
import Sampling

/// The model core's promise: a new block is forward composition only. Here a per-geo intercept
/// (partially pooled, non-centred: intercept_g = μ + τ·z_g) and geo rows of media sharing each
/// channel's curve are added to a program without one line of adjoint code, and the gradient still
/// matches central finite differences.
@Suite struct ProgramExtensionTests {
    @Test func aPerGeoInterceptBlockNeedsNoNewAdjoint() {
        let G = 3, C = 2, T = 20, L = 4
        var rng = SeededGenerator(seed: 31)
        let spend = (0..<(G * C * T)).map { _ in rng.uniform() }                  // [geo·channel, period]
        let target = (0..<(G * T)).map { _ in 1 + 0.3 * rng.normal() }            // [geo, period]
        // θ: μ, log τ, z[G], log β[C], logit α[C], log κ[C], log k[C], log σ.
        let n = 2 + G + 4 * C + 1
        var b = ProgramBuilder(inputCount: n)
        let theta = b.input
        let mu = theta[0]
        let (tau, tauJacobian) = b.constrain(theta[1], supports: [.positive])
        let z = theta.slice(2..<(2 + G))
        let (beta, betaJacobian) = b.constrain(theta.slice((2 + G)..<(2 + G + C)), supports: Array(repeating: .positive, count: C))
        let (alpha, alphaJacobian) = b.constrain(theta.slice((2 + G + C)..<(2 + G + 2 * C)), supports: Array(repeating: .unitInterval, count: C))
        let (kappa, kappaJacobian) = b.constrain(theta.slice((2 + G + 2 * C)..<(2 + G + 3 * C)), supports: Array(repeating: .positive, count: C))
        let (slope, slopeJacobian) = b.constrain(theta.slice((2 + G + 3 * C)..<(2 + G + 4 * C)), supports: Array(repeating: .positive, count: C))
        let (sigma, sigmaJacobian) = b.constrain(theta[n - 1], supports: [.positive])

        // The new block: one intercept per geo, pooled toward μ with a learned scale.
        let intercepts = b.locationScale(loc: mu, scale: tau, z: z)
        let baseline = b.gather(intercepts, indices: (0..<(G * T)).map { $0 / T })
        // Media: G·C rows, row g·C + c reads channel c's curve.
        let rowChannel = (0..<(G * C)).map { $0 % C }
        let (adstocked, _, _) = b.adstock(AdstockKind.geometric.family, spend: b.constant(spend), parameters: [alpha],
                                          rowParameter: rowChannel, length: T, maxLag: L)
        let saturated = b.saturation(SaturationKind.hill.family, input: adstocked, parameters: [kappa, slope],
                                     rowParameter: rowChannel, length: T)
        let contributions = b.scaleRows(saturated, by: beta, rowScale: rowChannel, length: T)
        let mean = b.sumRows(contributions, into: baseline, rowGroup: (0..<(G * C)).map { $0 / C }, length: T)
        let likelihood = b.likelihood(.normal, observed: b.constant(target), mean: mean, scale: sigma).total
        let priors = [
            b.priorDensity(z, priors: Array(repeating: .normal(mean: 0, sd: 1), count: G)),
            b.priorDensity(tau, priors: [.halfNormal(sd: 0.5)]),
            b.priorDensity(kappa, priors: Array(repeating: .logNormal(mu: -0.5, sigma: 0.7), count: C)),
        ]
        let total = b.total([likelihood, tauJacobian, betaJacobian, alphaJacobian, kappaJacobian, slopeJacobian, sigmaJacobian] + priors)
        let program = b.program(output: total)
        let w = program.makeWorkspace()

        for _ in 0..<3 {
            let x = (0..<n).map { _ in 0.6 * rng.normal() }
            var gradient = [Double](repeating: .nan, count: n)
            let value = x.withUnsafeBufferPointer { xs in gradient.withUnsafeMutableBufferPointer { program.valueAndGradient(at: xs, gradient: $0, in: w) } }
            #expect(value.isFinite)
            func f(_ x: [Double]) -> Double { program.forward(x, in: w); return w.read(program.output, 0) }
            for i in 0..<n {
                let h = 1e-6
                var up = x, down = x
                up[i] += h; down[i] -= h
                let numeric = (f(up) - f(down)) / (2 * h)
                #expect(abs(numeric - gradient[i]) <= 1e-5 * max(1, abs(numeric)), "coordinate \(i): \(gradient[i]) vs \(numeric)")
            }
        }
    }

    @Test func pointwiseLogLikelihoodIsEachWeeksNormalDensity() throws {
        // The program's pointwise values against the decomposition of the same draw.
        let history = fourChannelTruth(saturation: .hill, periods: 40).simulate(seed: 3)
        let model = try MediaMixModel(data: history.dataset)
        var rng = SeededGenerator(seed: 4)
        let theta = model.initialPoints(chains: 1, seed: 2)[0].map { $0 + 0.1 * rng.normal() }
        let pointwise = model.pointwiseLogLikelihood(unconstrained: theta)
        let d = model.decompose(unconstrained: theta)
        let scale = model.scales.target
        for t in 0..<40 {
            // In the model's scaled units: y/scale ~ Normal(fitted/scale, σ/scale).
            let z = (history.dataset.target[t] - d.fitted[t]) / d.sigma
            let expected = -0.5 * log(2 * Double.pi) - log(d.sigma / scale) - 0.5 * z * z
            #expect(abs(pointwise[t] - expected) < 1e-9 * max(1, abs(expected)), "week \(t)")
        }
        // The posterior's table holds the same values per draw.
        var config = SamplerConfiguration()
        config.chains = 1; config.warmup = 30; config.draws = 3; config.seed = 5
        let posterior = try Posterior(model: model, configuration: config)
        let table = posterior.pointwiseLogLikelihood()
        #expect(table.count == 3 && table.allSatisfy { $0.count == 40 })
        #expect(table[2] == model.pointwiseLogLikelihood(unconstrained: posterior.unconstrainedDraws[2]))
    }
}
