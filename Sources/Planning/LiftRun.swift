import Foundation
import GeoExperiment
import MediaModel
import Sampling

/// What `mixplan lift` was asked to measure, as typed on the command line.
public struct LiftRequest: Sendable {
    /// The channel whose spend changed (`--channel`).
    public var channel: String
    /// The treated geos (`--treated g03,g07`).
    public var treated: [String]
    /// First and last date of the change, inclusive (`--from`, `--to`, YYYY-MM-DD).
    public var from: String
    public var to: String
    /// Periods after `--to` still measured for the change's carryover (`--cooldown`, default 0).
    public var cooldown: Int

    public init(channel: String, treated: [String], from: String, to: String, cooldown: Int = 0) {
        self.channel = channel; self.treated = treated; self.from = from; self.to = to; self.cooldown = cooldown
    }
}

/// A measured geo experiment of a scenario's geo data, and the files `mixplan lift` writes.
public struct LiftRun: Sendable {
    /// The fewest periods before the window the counterfactual is fitted on: half a year of weeks.
    public static let minimumPrePeriods = 26

    public let scenario: Scenario
    public let data: Dataset
    public let request: LiftRequest
    public let analysis: LiftAnalysis
    public let seconds: Double

    public var channel: String { data.channels[analysis.design.channel] }
    public var treatedNames: [String] { analysis.design.treated.map { data.geos[$0] } }
    /// The window's first and last dates as found in the data.
    public var firstDate: String { data.dates[analysis.design.window.lowerBound] }
    public var lastDate: String { data.dates[analysis.design.window.upperBound - 1] }

    /// The experiment as a lift test in national-equivalent weekly units (see
    /// `LiftAnalysis.liftTest`), to the cent, or nil when the treated geos' spend did not change.
    public var liftTest: LiftTest? {
        guard var t = analysis.liftTest(channelName: channel) else { return nil }
        let cents = { (x: Double) in (x * 100).rounded() / 100 }
        t.spend = cents(t.spend); t.change = cents(t.change); t.lift = cents(t.lift)
        t.standardError = max(cents(t.standardError), 0.01)
        return t
    }

    /// Checks the request against the scenario's geo data, fits the counterfactual and measures.
    /// - Throws: `InputError`: usage (64) for a flag the data cannot honour, naming the flag;
    ///   configuration (78) for a scenario without `data.geo`; data (65) for data that cannot carry
    ///   the analysis.
    public static func run(_ scenario: Scenario, request: LiftRequest,
                           progress: (@Sendable (SamplingProgress) -> Void)? = nil) throws -> LiftRun {
        let data = try loadGeoData(scenario)
        let channel = try resolveChannel(request.channel, in: data)
        let treated = try resolveGeos(request.treated, in: data)
        let window = try resolveWindow(from: request.from, to: request.to, in: data)
        guard request.cooldown >= 0 else { throw InputError(.usage, "--cooldown \(request.cooldown): expected 0 or more periods") }
        guard window.upperBound + request.cooldown <= data.periods else {
            throw InputError(.usage, "--cooldown \(request.cooldown): the data end \(data.periods - window.upperBound) periods after --to \(request.to) (on \(data.dates.last ?? "")); expected at most that many")
        }
        guard window.lowerBound >= minimumPrePeriods else {
            throw InputError(.usage, "--from \(request.from): only \(window.lowerBound) periods of the data come before the test; the counterfactual needs at least \(minimumPrePeriods) (from \(data.dates[min(minimumPrePeriods, data.periods - 1)]) on)")
        }
        let design = GeoExperimentDesign(channel: channel, treated: treated, window: window, cooldown: request.cooldown)
        let start = Date()
        let analysis: LiftAnalysis
        do {
            analysis = try LiftAnalysis(data: data, design: design, configuration: scenario.sampler, progress: progress)
        } catch let error as GeoExperimentError {
            throw InputError(.data, "\(scenario.data.file): \(error.description)")
        }
        return LiftRun(scenario: scenario, data: data, request: request, analysis: analysis,
                       seconds: Date().timeIntervalSince(start))
    }

    /// The scenario's data, which must be geo data with two geos or more.
    static func loadGeoData(_ scenario: Scenario) throws -> Dataset {
        guard scenario.data.geo != nil else {
            throw InputError(.configuration, "\(scenario.file): data.geo: mixplan lift needs geo data (long format, one row per date and geo, with data.geo naming the geo column); this scenario's data are national")
        }
        let data = try DatasetLoader.load(scenario.data, minimumRows: 1)
        guard data.geoCount >= 2 else {
            throw InputError(.data, "\(scenario.data.file): column '\(scenario.data.geo ?? "geo")': only one geo ('\(data.geos.first ?? "")'); a geo experiment needs treated and control geos")
        }
        return data
    }

    static func resolveChannel(_ name: String, in data: Dataset) throws -> Int {
        guard let c = data.channels.firstIndex(of: name) else {
            throw InputError(.usage, "--channel '\(name)': not a channel of the scenario\(suggestion(name, in: data.channels)); channels are \(data.channels.joined(separator: ", "))")
        }
        return c
    }

    static func resolveGeos(_ names: [String], in data: Dataset) throws -> [Int] {
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
            throw InputError(.usage, "--treated: expected geo names separated by commas, e.g. \(data.geos.prefix(2).joined(separator: ","))")
        }
        var indices: [Int] = []
        for name in names {
            guard let g = data.geoIndex(named: name) else {
                throw InputError(.usage, "--treated '\(name)': not a geo of the data\(suggestion(name, in: data.geos)); geos are \(data.geos.joined(separator: ", "))")
            }
            guard !indices.contains(g) else { throw InputError(.usage, "--treated: '\(name)' is listed twice") }
            indices.append(g)
        }
        guard indices.count < data.geoCount else {
            throw InputError(.usage, "--treated: all \(data.geoCount) geos are treated; leave at least one geo untouched as a control")
        }
        return indices
    }

    /// The periods whose dates lie from `from` to `to`, both inclusive.
    static func resolveWindow(from: String, to: String, in data: Dataset) throws -> Range<Int> {
        guard let first = DatasetLoader.isoDay(from) else { throw InputError(.usage, "--from '\(from)': not an ISO date (expected YYYY-MM-DD)") }
        guard let last = DatasetLoader.isoDay(to) else { throw InputError(.usage, "--to '\(to)': not an ISO date (expected YYYY-MM-DD)") }
        guard first <= last else { throw InputError(.usage, "--from \(from) is after --to \(to)") }
        let days = data.dates.map { DatasetLoader.isoDay($0) ?? 0 }
        let span = "the data run from \(data.dates.first ?? "") to \(data.dates.last ?? "")"
        guard let firstDay = days.first, let lastDay = days.last, first >= firstDay else {
            throw InputError(.usage, "--from \(from): before the data start; \(span)")
        }
        guard last <= lastDay else { throw InputError(.usage, "--to \(to): after the data end; \(span)") }
        let inside = days.indices.filter { days[$0] >= first && days[$0] <= last }
        guard let lower = inside.first, let upper = inside.last else {
            throw InputError(.usage, "--from \(from) --to \(to): no period of the data falls in the window; \(span)")
        }
        return lower..<(upper + 1)
    }

    /// `lift_analysis.csv` (every reported period) and, when the spend changed, `lift_test.csv`.
    ///
    /// `lift_test.csv` is in national-equivalent weekly units, the units of `model.lift_tests`:
    /// with s the treated geos' share of the channel (population share when the data give
    /// populations, else their share of the channel's pre-period spend), x = their counterfactual
    /// weekly spend / s, delta_x = the weekly spend change / s, delta_y = the weekly effect / s and
    /// sigma = its posterior sd / s. Exact when each geo's curve is the national curve scaled by the
    /// geo's size (the hierarchical model's assumption); see `LiftAnalysis.liftTest(channelName:)`.
    public func files() -> [(name: String, contents: String)] {
        [("lift_analysis.csv", analysisCSV())] + (liftTest.map { [("lift_test.csv", LiftTestFile.csv([$0]))] } ?? [])
    }

    /// `date, actual, counterfactual_mean, counterfactual_p05, counterfactual_p95, effect_mean`
    /// for the pre-period, the window and the cooldown (in the pre-period, effect_mean is the
    /// fit's residual).
    func analysisCSV() -> String {
        var lines = ["date,actual,counterfactual_mean,counterfactual_p05,counterfactual_p95,effect_mean"]
        let a = analysis
        for (i, t) in a.periods.enumerated() {
            let band = a.counterfactual[i]
            lines.append(([data.dates[t]] + [a.actual[i], band.mean, band.lower, band.upper, a.effectMean[i]].map(rounded))
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Cents are the most a target or spend is measured to; more digits are sampling noise.
    func rounded(_ x: Double) -> String { csvNumber((x * 100).rounded() / 100) }
}

/// `mixplan lift --design`: the best treated sets for a planned test and what it could detect.
public struct LiftDesignRun: Sendable {
    public let data: Dataset
    public let channel: Int
    public let weeks: Int
    public let change: Double
    /// Best first.
    public let candidates: [DesignCandidate]

    /// - Throws: `InputError` naming the flag for a request the data cannot carry.
    public static func run(_ scenario: Scenario, channel name: String, weeks: Int, change: Double,
                           treatedCount: Int?, seed: UInt64) throws -> LiftDesignRun {
        let data = try LiftRun.loadGeoData(scenario)
        let channel = try LiftRun.resolveChannel(name, in: data)
        guard weeks >= 1 else { throw InputError(.usage, "--weeks \(weeks): expected a test of 1 period or more") }
        guard change != 0, change >= -1, change.isFinite else {
            throw InputError(.usage, "--change: expected a spend change from -100% (off) up, not 0")
        }
        // A quarter of the geos by default: enough treated spend to see, enough controls to copy.
        let count = treatedCount ?? max(1, min(data.geoCount - 2, data.geoCount / 4))
        guard count >= 1, count <= data.geoCount - 2 else {
            throw InputError(.usage, "--treated-count \(count): expected 1 to \(data.geoCount - 2) of the \(data.geoCount) geos (at least two controls)")
        }
        do {
            let candidates = try DesignSearch.search(data: data, channel: channel, weeks: weeks, change: change,
                                                     treatedCount: count, seed: seed)
            return LiftDesignRun(data: data, channel: channel, weeks: weeks, change: change, candidates: candidates)
        } catch let error as GeoExperimentError {
            throw InputError(.usage, "--weeks \(weeks): \(error.description)")
        }
    }
}
