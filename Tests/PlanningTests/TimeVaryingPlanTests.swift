import Foundation
import Testing
import BudgetOptimization
import MediaModel
@testable import Simulation
import Sampling
@testable import Planning

/// `model.time_varying` on data simulated from known truth: TV's effectiveness swings ±40% over
/// the year (search's does not). The fit must recover the pattern inside its bands, carry the
/// yearly pattern into the plan's future weeks, leave search's multiplier at 1, and a weekly plan
/// must move TV's spend into the high weeks and so earn more under the truth than an even one.
@Suite struct TimeVaryingPlanTests {
    static let periods = 156, horizon = 26
    static let amplitude = 0.4, phase = -1.8

    /// The true TV multiplier at period t, normalized to mean 1 over the data.
    static func trueMultiplier(_ t: Int) -> Double {
        let raw = { (t: Int) in exp(amplitude * sin(2 * Double.pi * Double(t) / 52.18 + phase)) }
        let mean = (0..<periods).reduce(0) { $0 + raw($1) } / Double(periods)
        return raw(t) / mean
    }

    static func truth() -> SimulationTruth {
        var tv = SimulationTruth.Channel(name: "tv", weeklySpend: 100, effect: 600, alpha: 0.5, halfSaturation: 0.5, slope: 1.3)
        tv.effectiveness = (0..<periods).map(trueMultiplier)
        var truth = SimulationTruth(periods: periods, intercept: 1500, noise: 30, channels: [
            tv, .init(name: "search", weeklySpend: 60, effect: 300, alpha: 0.2, halfSaturation: 0.4, slope: 1.0),
        ])
        truth.seasonalAmplitude = 80
        truth.spendCorrelation = 0.4
        return truth
    }

    @Test(arguments: [UInt64(31), 32])
    func recoversSeasonalEffectivenessAndPlansIntoTheHighWeeks(seed: UInt64) throws {
        let truth = Self.truth(), history = truth.simulate(seed: seed)
        let data = history.dataset, T = Self.periods, H = Self.horizon
        var spec = ModelSpecification()
        spec.maxLag = 6
        spec.timeVariation = TimeVariation(media: .all)
        var config = SamplerConfiguration()
        config.seed = seed; config.warmup = 500; config.draws = 250; config.targetAcceptance = 0.9
        let posterior = try Posterior(model: try MediaMixModel(data: data, specification: spec), configuration: config)
        #expect(posterior.sampling.divergences <= 8, "\(posterior.sampling.divergences) divergences")

        // In the data: TV's multiplier follows the truth inside its 90% bands.
        let tv = try #require(posterior.effectiveness(channel: 0, periods: 0..<(T + H)))
        func summary(_ draws: [[Double]], _ t: Int) -> (mean: Double, lower: Double, upper: Double) {
            let v = draws.map { $0[t] }.sorted()
            return (v.reduce(0, +) / Double(v.count), Diagnostics.quantile(sorted: v, 0.05), Diagnostics.quantile(sorted: v, 0.95))
        }
        let inData = (0..<T).map { summary(tv, $0) }
        let covered = (0..<T).filter { inData[$0].lower <= Self.trueMultiplier($0) && Self.trueMultiplier($0) <= inData[$0].upper }.count
        #expect(Double(covered) / Double(T) >= 0.8, "true multiplier inside the 90% band in \(covered)/\(T) weeks")
        #expect(correlation(inData.map(\.mean), (0..<T).map(Self.trueMultiplier)) > 0.85)
        // In the plan's weeks: the yearly pattern continues.
        let future = (T..<(T + H)).map { summary(tv, $0) }
        #expect(correlation(future.map(\.mean), (T..<(T + H)).map(Self.trueMultiplier)) > 0.85)
        let futureCovered = (0..<H).filter { future[$0].lower <= Self.trueMultiplier(T + $0) && Self.trueMultiplier(T + $0) <= future[$0].upper }.count
        #expect(futureCovered >= H * 3 / 4, "future weeks inside the band: \(futureCovered)/\(H)")
        // Search's effect is constant in truth: its multiplier stays near 1.
        let search = try #require(posterior.effectiveness(channel: 1, periods: 0..<T))
        let searchMeans = (0..<T).map { summary(search, $0).mean }
        let searchCovered = (0..<T).filter { let b = summary(search, $0); return b.lower <= 1 && 1 <= b.upper }.count
        #expect(Double(searchCovered) / Double(T) >= 0.9, "search's true multiplier 1 inside the 90% band in \(searchCovered)/\(T) weeks")
        #expect(searchMeans.allSatisfy { abs($0 - 1) < 0.25 }, "search multiplier means \(searchMeans.min()!)…\(searchMeans.max()!)")

        // A 26-week weekly plan with each channel's total fixed at an even spend of its average week:
        // only the timing is free.
        let weekly = data.spend.map { $0.reduce(0, +) / Double(T) }
        let totals = weekly.map { $0 * Double(H) }
        let curves = posterior.scheduleCurves(periods: H, carryIn: true)
        let problem = try PlanProblem(channels: data.channels, periods: H, responses: curves, budget: totals.reduce(0, +),
                                          lower: totals, upper: totals)
        let even = weekly.flatMap { Array(repeating: $0, count: H) }
        let (schedule, _) = try PlanOptimizer(choice: .slsqp, seed: 1).optimize(problem, start: even)
        let tvSpend = Array(schedule[0..<H])
        let highWeeks = (0..<H).filter { Self.trueMultiplier(T + $0) > 1 }, lowWeeks = (0..<H).filter { Self.trueMultiplier(T + $0) <= 1 }
        #expect(!highWeeks.isEmpty && !lowWeeks.isEmpty)
        let high = highWeeks.reduce(0) { $0 + tvSpend[$1] } / Double(highWeeks.count)
        let low = lowWeeks.reduce(0) { $0 + tvSpend[$1] } / Double(lowWeeks.count)
        #expect(high > 1.3 * low, "TV per week: \(high) in high-effectiveness weeks, \(low) in low ones")

        // Judged by the truth: TV's true revenue from the plan's schedule beats the even one.
        let trueTV = trueCurve(truth, history: history, horizon: H)
        func trueRevenue(_ spend: [Double]) -> Double {
            var value = 0.0
            spend.withUnsafeBufferPointer { trueTV.evaluate(spend: $0.baseAddress!, values: &value, gradients: nil) }
            return value
        }
        let planned = trueRevenue(tvSpend), flat = trueRevenue(Array(even[0..<H]))
        // The same plan from a model whose effects do not vary earns less under the truth.
        var constant = spec
        constant.timeVariation = TimeVariation()
        let still = try Posterior(model: try MediaMixModel(data: data, specification: constant), configuration: config)
        let stillProblem = try PlanProblem(channels: data.channels, periods: H, responses: still.scheduleCurves(periods: H, carryIn: true),
                                               budget: totals.reduce(0, +), lower: totals, upper: totals)
        let (stillSchedule, _) = try PlanOptimizer(choice: .slsqp, seed: 1).optimize(stillProblem, start: even)
        let stillRevenue = trueRevenue(Array(stillSchedule[0..<H]))
        #expect(planned > 1.01 * stillRevenue, "true TV revenue: time-varying model's plan \(planned), constant model's \(stillRevenue)")
        #expect(planned > 1.03 * flat, "true TV revenue: planned \(planned), even \(flat)")
    }

    /// TV's true schedule curve over the plan: one "draw" with the truth's parameters and multiplier.
    func trueCurve(_ truth: SimulationTruth, history: SimulatedHistory, horizon H: Int) -> ScheduleCurve {
        let tv = truth.channels[0], L = truth.maxLag
        let raw = truth.adstock.family.rawWeights(tv.adstockParameters(truth.adstock), maxLag: L)
        let total = raw.reduce(0, +)
        return ScheduleCurve(channel: "tv", saturation: truth.saturation.family, periods: H,
                             spendScale: history.dataset.spend[0].max()!, adstockWeights: [raw.map { $0 / total }],
                             beta: [tv.effect], parameters: [tv.saturationParameters(truth.saturation)],
                             history: history.dataset.spend[0],
                             effectiveness: [(Self.periods..<(Self.periods + H + L - 1)).map(Self.trueMultiplier)])
    }
}

func correlation(_ a: [Double], _ b: [Double]) -> Double {
    let n = Double(a.count), ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
    var ab = 0.0, aa = 0.0, bb = 0.0
    for (x, y) in zip(a, b) { ab += (x - ma) * (y - mb); aa += (x - ma) * (x - ma); bb += (y - mb) * (y - mb) }
    return ab / (aa * bb).squareRoot()
}

/// `model.time_varying` from the command line: the fit writes effectiveness.csv and the report's
/// section, and a plan runs on the varying model (flat spend without carry-in reads the
/// per-period curves).
@Suite struct TimeVaryingCommandTests {
    /// A flat plan without carry-in on a time-varying model prices even spend with the
    /// per-period curves (each week's multiplier), from the plan's own start.
    @Test func flatPlansReadEachPlannedWeek() throws {
        let dir = temporaryFolder()
        let history = TimeVaryingPlanTests.truth().simulate(seed: 3)
        _ = write(history.csv, "data.csv", in: dir)
        let path = write("""
            name: flat varying
            data: {file: data.csv, date: week, target: revenue, channels: [tv, search]}
            model: {adstock: {type: geometric, max_lag: 6}, saturation: hill, time_varying: {media: [tv]}}
            sampler: {chains: 2, warmup: 100, draws: 20, seed: 3}
            plan: {horizon: 6, carryover: none, start: 2026-02-02}
            """, "s.yaml", in: dir)
        let scenario = try Scenario.load(path: path)
        let data = try DatasetLoader.load(scenario.data, minimumRows: 1)
        var config = scenario.sampler
        config.chains = 2
        let posterior = try Posterior(model: try MediaMixModel(data: data, specification: scenario.model.adapted(to: data)), configuration: config)
        let gap = FlightingPlan.gapPeriods(data, start: scenario.plan.start)
        #expect(gap == 5, "the data end 2025-12-22; the plan starts five weeks after the next")
        let flat = FlightingPlan.flatResponses(scenario, posterior: posterior)
        let exact = posterior.scheduleCurves(periods: 6, carryIn: false, gap: gap)
        let D = posterior.drawCount
        for c in 0..<2 {
            // Away from the average week, where the flat curves' averaged multiplier would be exact.
            let budget = 1.7 * 6 * data.totalSpend[c] / Double(data.periods)
            var v = [Double](repeating: 0, count: D), slope = v, w = v
            flat[c].evaluate(budget: budget, values: &v, slopes: &slope)
            Array(repeating: budget / 6, count: 6).withUnsafeBufferPointer { exact[c].evaluate(spend: $0.baseAddress!, values: &w, gradients: nil) }
            for d in 0..<D { #expect(abs(v[d] - w[d]) <= 1e-9 * abs(w[d]), "channel \(c) draw \(d): \(v[d]) vs \(w[d])") }
        }
    }

    @Test func fitAndPlanWithATimeVaryingChannel() throws {
        let dir = temporaryFolder()
        let data = fixtures.appendingPathComponent("mmm_example.csv").path
        let path = write("""
            name: varying
            data: {file: \(data), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2]}
            model: {adstock: {type: geometric, max_lag: 8}, saturation: logistic, time_varying: {media: [x1], intercept: true}}
            sampler: {chains: 2, warmup: 200, draws: 150, seed: 5}
            plan: {horizon: 8, carryover: none}
            """, "s.yaml", in: dir)
        let fit = try runMixPlan(["fit", path, "--out", dir.appendingPathComponent("fit").path, "--quiet"])
        #expect(fit.code == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("Time-varying effects") && fit.stdout.contains("x1: in the last year lowest"), "\(fit.stdout)")
        let csv = try String(contentsOf: dir.appendingPathComponent("fit/effectiveness.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "period,date,channel,observed,multiplier_mean,multiplier_p05,multiplier_p95")
        let weeks = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n").count - 1
        #expect(csv.count == 1 + weeks + 52, "one row per data week and 52 after, x1 only")
        #expect(csv.dropFirst().allSatisfy { $0.split(separator: ",")[2] == "x1" })
        let page = try String(contentsOf: dir.appendingPathComponent("fit/report.html"), encoding: .utf8)
        #expect(page.contains("<section id=\"effectiveness\""))
        let plan = try runMixPlan(["plan", path, "--out", dir.appendingPathComponent("plan").path, "--quiet", "--allow-unconverged"])
        #expect(plan.code == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("TOTAL"))
    }
}

/// A stacked posterior's weekly curves: each model's draws in turn, and any subset of them.
@Suite struct MixedScheduleTests {
    func curve(beta: [Double], slope: Double) -> ScheduleCurve {
        ScheduleCurve(channel: "tv", saturation: SaturationKind.hill.family, periods: 4, spendScale: 100,
                      adstockWeights: beta.map { _ in [0.6, 0.3, 0.1] }, beta: beta,
                      parameters: beta.map { _ in [0.5, slope] }, history: [40, 60, 50],
                      effectiveness: beta.indices.map { d in (0..<6).map { 1 + 0.1 * Double(d) - 0.05 * Double($0) } })
    }

    @Test func mixesBlocksOfDrawsAndSubsetsThem() {
        let a = curve(beta: [1000, 1200, 900], slope: 1.4), b = curve(beta: [800, 1100], slope: 0.9)
        let mixed = MixedSchedule(parts: [a, b])
        let spend = [30.0, 0, 70, 45]
        func run(_ r: any ScheduleResponse) -> (values: [Double], gradients: [Double]) {
            var v = [Double](repeating: 0, count: r.drawCount), g = [Double](repeating: 0, count: r.drawCount * 4)
            spend.withUnsafeBufferPointer { r.evaluate(spend: $0.baseAddress!, values: &v, gradients: &g) }
            return (v, g)
        }
        let (va, ga) = run(a), (vb, gb) = run(b), (vm, gm) = run(mixed)
        #expect(mixed.drawCount == 5 && vm == va + vb && gm == ga + gb)
        let parts: [any ScheduleResponse] = [a, b]
        #expect(mixed.breakdown(spend: spend).carryIn == parts[0].breakdown(spend: spend).carryIn + parts[1].breakdown(spend: spend).carryIn)
        let picked = run(mixed.restricted(to: [4, 1, 3]))
        #expect(picked.values == [vm[4], vm[1], vm[3]])
        #expect(picked.gradients == Array(gm[16..<20] + gm[4..<8] + gm[12..<16]))
    }

    @Test func aPlanStartInsideTheDataIsRefused() throws {
        let dir = temporaryFolder()
        _ = write(TimeVaryingPlanTests.truth().simulate(seed: 3).csv, "data.csv", in: dir)
        let path = write("""
            name: early start
            data: {file: data.csv, date: week, target: revenue, channels: [tv, search]}
            plan: {horizon: 6, start: 2025-12-22}
            """, "s.yaml", in: dir)
        let error = inputError { _ = try Preflight.check(try Scenario.load(path: path)) }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("plan.start: 2025-12-22 is not after the data's last period 2025-12-22") == true, "\(error?.message ?? "no error")")
    }
}

/// A control that is the time index replaces an unstated linear trend (PyMC-Marketing's `t`),
/// and says so; a stated trend beside it is still refused.
@Suite struct TimeIndexControlTests {
    @Test func anUnstatedTrendGivesWayToATimeIndexControl() throws {
        let dir = temporaryFolder()
        let data = fixtures.appendingPathComponent("mmm_example.csv").path
        func scenario(_ model: String) -> String {
            write("""
                name: t control
                data: {file: \(data), date: date_week, target: y, channels: [x1, x2], controls: [event_1, event_2, t]}
                model: \(model)
                sampler: {chains: 2, warmup: 150, draws: 100, seed: 5}
                """, "s.yaml", in: dir)
        }
        let unstated = try Scenario.load(path: scenario("{saturation: logistic}"))
        let dataset = try DatasetLoader.load(unstated.data, minimumRows: 1)
        #expect(unstated.model.adapted(to: dataset).trend == .none)
        #expect(unstated.model.trendNote(dataset) == "Trend: none — control 't' is the time index and carries the trend (set model.trend to choose)")
        try DesignCheck.check(dataset, scenario: unstated)
        let fit = try runMixPlan(["fit", scenario("{saturation: logistic}"), "--out", dir.appendingPathComponent("fit").path, "--quiet", "--allow-unconverged"])
        #expect(fit.code == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("Trend: none — control 't' is the time index"))
        let stated = try Scenario.load(path: scenario("{saturation: logistic, trend: linear}"))
        #expect(stated.model.adapted(to: dataset).trend == .linear && stated.model.trendNote(dataset) == nil)
        #expect(inputError { try DesignCheck.check(dataset, scenario: stated) }?.message.contains("combination of the linear trend") == true)
    }
}
