import Foundation
import ReferenceDensities
import Sampling

// `make bench`: throughput and efficiency of the sampler on reference targets, release build.
// Figures are measured in this run; nothing here asserts a time.

func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func benchSampler(_ name: String, _ target: any LogDensity, chains: Int = 4, warmup: Int = 1000,
                  draws: Int = 1000, seed: UInt64 = 1) throws {
    var config = SamplerConfiguration()
    config.chains = chains; config.warmup = warmup; config.draws = draws; config.seed = seed
    let wall0 = Date(), cpu0 = processCPUSeconds()
    let result = try NUTSSampler(configuration: config).sample(target)
    let wall = Date().timeIntervalSince(wall0), cpu = processCPUSeconds() - cpu0

    let leapfrogs = result.chains.reduce(0) {
        $0 + $1.statistics.reduce(0) { $0 + $1.leapfrogSteps } + $1.warmupGradientEvaluations
    }
    let gradients = result.totalGradientEvaluations
    let summaries = (0..<target.dimension).map { result.summary(ofCoordinate: $0) }
    let minBulk = summaries.map(\.essBulk).min() ?? .nan
    let minTail = summaries.map(\.essTail).min() ?? .nan
    let maxRHat = summaries.map(\.rHat).max() ?? .nan
    let samplingGradients = Double(result.samplingGradientEvaluations)
    let meanStep = result.chains.map(\.stepSize).reduce(0, +) / Double(chains)
    let meanLeapfrog = Double(result.samplingLeapfrogSteps) / Double(chains * draws)

    print("""
        \(name): \(chains) chains × (\(warmup) warmup + \(draws) draws), dimension \(target.dimension)
          wall \(f(wall)) s, CPU \(f(cpu)) s on \(ProcessInfo.processInfo.activeProcessorCount) cores
          gradient evaluations \(gradients): \(f(Double(gradients) / wall)) per s wall
          leapfrog steps per s per core (CPU time): \(f(Double(leapfrogs) / cpu))
          step size \(f(meanStep)), mean leapfrog steps per draw \(f(meanLeapfrog)), divergences \(result.divergences)
          min bulk ESS \(f(minBulk)), min tail ESS \(f(minTail)), max R-hat \(String(format: "%.4f", maxRHat))
          min bulk ESS per s (wall) \(f(minBulk / wall))
          min bulk ESS per gradient (sampling phase) \(String(format: "%.3f", minBulk / samplingGradients)), \
        (whole run) \(String(format: "%.3f", minBulk / Double(gradients)))

        """)
}

func f(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if abs(x) >= 1e5 { return String(format: "%.3g", x) }
    return String(format: abs(x) >= 100 ? "%.0f" : "%.3g", x)
}

/// The sampler's own throughput: one chain on one core, fixed step size, long enough to time.
func benchThroughput(_ name: String, _ target: any LogDensity, stepSize: Double, transitions: Int) throws {
    var config = SamplerConfiguration()
    config.chains = 1; config.warmup = 0; config.draws = transitions; config.parallel = false
    config.initialStepSize = stepSize; config.adaptStepSize = false; config.seed = 3
    let cpu0 = processCPUSeconds()
    let result = try NUTSSampler(configuration: config).sample(target)
    let cpu = processCPUSeconds() - cpu0
    let steps = Double(result.samplingLeapfrogSteps)
    print("""
        \(name), one chain, step \(stepSize), \(transitions) transitions on one core:
          \(f(steps / cpu)) leapfrog steps per s (\(f(cpu * 1e9 / steps)) ns per step, gradient included)

        """)
}

// `--only sampler|gradient|optimizer|evppi|schedule|fit|core|geo|geo-fit|geo-optimizer|geo-gradient|lift|decisions|seasonal` runs one section.
let only = CommandLine.arguments.firstIndex(of: "--only").flatMap {
    $0 + 1 < CommandLine.arguments.count ? CommandLine.arguments[$0 + 1] : nil
}
func wanted(_ section: String) -> Bool { only == nil || only == section }

print("MixPlan bench (release build)\n")
if wanted("sampler") {
try benchThroughput("100-D standard normal", GaussianTarget.standard(dimension: 100), stepSize: 0.43,
                    transitions: 20000)
try benchSampler("100-D standard normal", GaussianTarget.standard(dimension: 100))
try benchSampler("2-D normal, correlation 0.95", GaussianTarget.correlated(rho: 0.95))
}

// `make bench` passes --peers with the shared peers folder when it exists; nothing else reads outside the project.
let arguments = CommandLine.arguments
let peers = arguments.firstIndex(of: "--peers").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
if wanted("gradient") { try benchGradient() }
if wanted("optimizer") { try benchOptimizer() }
if wanted("evppi") { try benchValueOfInformation() }
if wanted("schedule") { try benchSchedule() }
if wanted("fit") { try benchStandardFit(peers: peers) }
let baseline = arguments.firstIndex(of: "--baseline").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
if wanted("core") { try benchModelCore(baseline: baseline) }
if wanted("geo") || wanted("geo-optimizer") { try benchGeoOptimizer() }
if wanted("geo") || wanted("geo-gradient") { try benchGeoGradient() }
// `--geo-seed N` reruns the geo fits with another sampler seed (default 1); `--geo-target-accept A`
// overrides the target acceptance the fit would use.
let geoSeed = arguments.firstIndex(of: "--geo-seed").flatMap { $0 + 1 < arguments.count ? UInt64(arguments[$0 + 1]) : nil } ?? 1
let geoAccept = arguments.firstIndex(of: "--geo-target-accept").flatMap { $0 + 1 < arguments.count ? Double(arguments[$0 + 1]) : nil }
if wanted("geo") || wanted("geo-fit") { try benchGeo(peers: peers, seed: geoSeed, targetAcceptance: geoAccept) }
if wanted("lift") { try benchLift() }
// The decision study: `--worlds N --chains C --warmup W --draws D --objective YAML --model YAML --world i,j --cache DIR --keep DIR --min-family-gap G --gaps-only --preset correlated|informative`.
if wanted("decisions") { try benchDecisions(arguments: arguments) }
// Time-varying effects against the truth: `--worlds N --amplitudes 0.35,0 --warmup W --draws D`.
if wanted("seasonal") { try benchSeasonal(arguments: arguments) }
