import BudgetOptimization
import Foundation
import MediaModel
import Simulation
import Planning
import Sampling

/// Time-varying effects judged by what their plans earn under the truth.
///
/// Worlds: the bundled example's truth (five channels, Hill curves, geometric carryover), TV's
/// effect swinging over the year by exp(±A) with its peak in a week drawn per world, or constant
/// (A = 0: does the richer model cost anything when there is nothing to find?). Each world is
/// fitted twice — TV's effect time-varying, and constant — and each fit plans the 13 weeks after
/// the data week by week (carry-in from history, the last 13 weeks' budget). Every plan is then
/// priced on the true curves, against the current mix spread evenly and the true optimum.
///
/// `--worlds N` (default 6 per amplitude, plus the bundled seasonal example's own world for
/// A > 0), `--amplitudes 0.35,0`, `--warmup W --draws D`.
func benchSeasonal(arguments: [String]) throws {
    func value(_ flag: String) -> String? { arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } }
    let worlds = value("--worlds").flatMap(Int.init) ?? 6
    let amplitudes = value("--amplitudes").map { $0.split(separator: ",").compactMap { Double($0) } } ?? [0.35, 0]
    var config = SamplerConfiguration()
    config.warmup = value("--warmup").flatMap(Int.init) ?? 1000
    config.draws = value("--draws").flatMap(Int.init) ?? 1000
    print("""
        Seasonal-effectiveness study: \(worlds) worlds per amplitude \(amplitudes), the example's truth with TV's effect \
        × exp(A·cos(2π(t − peak)/52.18)), 4 chains × (\(config.warmup) + \(config.draws)), target_accept \(SamplerConfiguration.timeVaryingTargetAcceptance) (varying) and \(SamplerConfiguration().targetAcceptance) (constant); \
        a weekly 13-week plan after the data from each fit, priced on the true curves
        (captured: the plan's true gain over the current mix as a share of the true optimum's; m in 90%: weeks whose true TV
        multiplier lies inside the fit's 90% band, in the data / in the plan's weeks)

        """)
    print(["A", "world", "peak", "captured (varying)", "captured (constant)", "varying vs constant", "m in 90% data/plan", "TV ROAS true", "varying", "constant", "div", "s"].joined(separator: " | "))
    var rows: [(amplitude: Double, gain: Double, capturedVarying: Double, capturedConstant: Double, coverage: Double)] = []
    for amplitude in amplitudes {
        // World −1 is the bundled seasonal example itself (`mixplan simulate --seasonal-tv A`: seed
        // 2026, peak in week 48), the others draw their peak and their seed.
        for world in (amplitude > 0 ? -1 : 0)..<worlds {
            let start = Date()
            var rng = SeededGenerator(seed: 77, stream: UInt64(max(world, 0)))
            let peak = world < 0 ? 48 : 52.18 * rng.uniform()
            let truth = SimulationTruth.weeklyExample.withYearlyEffectiveness(channel: "tv", amplitude: amplitude, peakWeek: peak)
            let history = truth.simulate(seed: world < 0 ? SimulationTruth.weeklyExampleSeed : 500 + UInt64(world))
            let data = history.dataset, T = data.periods, H = 13
            let multiplier = SimulationTruth.yearlyEffectiveness(amplitude: amplitude, peakWeek: peak, periods: T)

            var fits: [Posterior] = []
            var divergences: [Int] = []
            for varying in [true, false] {
                var spec = ModelSpecification()
                spec.saturation = .hill; spec.adstock = .geometric; spec.maxLag = truth.maxLag
                if varying { spec.timeVariation = TimeVariation(media: .channels(["tv"])) }
                config.seed = UInt64(world + 2)
                // What mixplan fit uses for each model when the scenario does not say.
                config.targetAcceptance = varying ? SamplerConfiguration.timeVaryingTargetAcceptance : SamplerConfiguration().targetAcceptance
                let posterior = try Posterior(model: try MediaMixModel(data: data, specification: spec), configuration: config)
                fits.append(posterior)
                divergences.append(posterior.sampling.divergences)
            }

            // The plan problem each fit sees, and the truth's.
            let current = data.spend.map { $0.suffix(H).reduce(0, +) }
            let budget = current.reduce(0, +)
            let even = current.flatMap { Array(repeating: $0 / Double(H), count: H) }
            func plan(_ responses: [any ScheduleResponse]) throws -> [Double] {
                let problem = try PlanProblem(channels: data.channels, periods: H, responses: responses, budget: budget)
                return try PlanOptimizer(choice: .slsqp, seed: 1).optimize(problem, start: even).plan
            }
            let trueCurves: [any ScheduleResponse] = truth.channels.enumerated().map { c, channel in
                let raw = truth.adstock.family.rawWeights(channel.adstockParameters(truth.adstock), maxLag: truth.maxLag)
                let total = raw.reduce(0, +)
                return ScheduleCurve(channel: channel.name, saturation: truth.saturation.family, periods: H,
                                     spendScale: data.spend[c].max() ?? 1, adstockWeights: [raw.map { $0 / total }],
                                     beta: [channel.effect], parameters: [channel.saturationParameters(truth.saturation)],
                                     history: data.spend[c],
                                     effectiveness: c == 0 ? [(T..<(T + H + truth.maxLag - 1)).map(multiplier)] : nil)
            }
            let trueProblem = try PlanProblem(channels: data.channels, periods: H, responses: trueCurves, budget: budget)
            func trueRevenue(_ schedule: [Double]) -> Double {
                var gradient = schedule
                return PlanEvaluation.objective(trueProblem, plan: schedule, gradient: &gradient)
            }
            let plans = try fits.map { try plan($0.scheduleCurves(periods: H, carryIn: true)) }
            let oracle = try PlanOptimizer(choice: .auto, seed: 1).optimize(trueProblem, start: plans[0]).plan
            let base = trueRevenue(even), best = max(trueRevenue(oracle), plans.map(trueRevenue).max()!)
            let captured = plans.map { (trueRevenue($0) - base) / max(best - base, 1e-9) }
            let gain = trueRevenue(plans[0]) / trueRevenue(plans[1]) - 1

            // The varying fit's TV multiplier against the truth.
            let draws = fits[0].effectiveness(channel: 0, periods: 0..<(T + H))!
            func inside(_ t: Int) -> Bool {
                let s = Spread(draws.map { $0[t] }, interval: 0.9)
                return s.lower <= multiplier(t) && multiplier(t) <= s.upper
            }
            let dataCoverage = Double((0..<T).filter(inside).count) / Double(T)
            let planCoverage = Double((T..<(T + H)).filter(inside).count) / Double(H)
            let roas = fits.map { Spread($0.roas(channel: 0), interval: 0.9) }
            rows.append((amplitude, gain, captured[0], captured[1], dataCoverage))
            print([String(format: "%.2f", amplitude), world < 0 ? "example" : String(world), String(format: "%.0f", peak),
                   String(format: "%.2f", captured[0]), String(format: "%.2f", captured[1]), pct(gain),
                   "\(pct(dataCoverage))/\(pct(planCoverage))", String(format: "%.2f", history.roas[0]),
                   String(format: "%.2f [%.2f–%.2f]", roas[0].mean, roas[0].lower, roas[0].upper),
                   String(format: "%.2f [%.2f–%.2f]", roas[1].mean, roas[1].lower, roas[1].upper),
                   divergences.map(String.init).joined(separator: "/"), String(format: "%.0f", Date().timeIntervalSince(start))].joined(separator: " | "))
            fflush(nil)
        }
    }
    print("")
    for amplitude in amplitudes {
        let r = rows.filter { $0.amplitude == amplitude }
        guard !r.isEmpty else { continue }
        let gains = r.map(\.gain).sorted()
        print(String(format: "A = %.2f: varying model's plan vs constant model's, true media revenue: median %@, worst %@, better in %d of %d; captured median %.2f vs %.2f; TV multiplier in its 90%% band in %@ of data weeks (mean)",
                     amplitude, pct(gains[gains.count / 2]), pct(gains[0]), r.filter { $0.gain > 0 }.count, r.count,
                     r.map(\.capturedVarying).sorted()[r.count / 2], r.map(\.capturedConstant).sorted()[r.count / 2],
                     pct(r.map(\.coverage).reduce(0, +) / Double(r.count))))
    }
    print("")
}
