import Foundation
import MediaModel
import Sampling

/// Stored fits, so `plan`, `whatif` and `frontier` reuse a fit whose data file contents, model and
/// sampler settings are unchanged (a changed CSV refits). A fit is kept as its sampler statistics
/// and unconstrained draws, written so that they read back to the same bits: a reused fit gives
/// byte-identical plans.
///
/// The folder is `$MIXPLAN_CACHE`, else `$XDG_CACHE_HOME/mixplan`, else `~/.cache/mixplan`.
public enum FitCache {
    static var folder: URL {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["MIXPLAN_CACHE"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        let base = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("mixplan")
    }

    /// Changes whenever the model's or the sampler's arithmetic changes the draws for the same
    /// data, settings and seed (even in the last bit), so a fit stored by an older build is never
    /// reused as if this build had made it.
    static let engineRevision = "mixplan-fit-v5"

    /// A stable key for the data bytes, the engine revision and every setting that changes the draws.
    static func key(_ scenario: Scenario) throws -> String {
        guard let bytes = FileManager.default.contents(atPath: scenario.data.file) else {
            throw InputError(.missingFile, "\(scenario.data.file): no such file (named by data.file)")
        }
        let d = scenario.data, m = scenario.model, s = scenario.sampler
        var text = "\(engineRevision)\n\(d.date)|\(d.target)|\(d.channels)|\(d.controls)\n"
        // Only geo data add a line, so national keys (and the fits stored under them) stay valid.
        if let geo = d.geo { text += "geo:\(geo)|\(d.population ?? "")|\(m.hierarchy.rawValue)\n" }
        // Likewise only time-varying effects add a line.
        if m.timeVariation.isActive { text += "time varying: \(m.timeVariation)\n" }
        text += "\(m.adstock.rawValue)|\(m.maxLag)|\(m.saturation.rawValue)|\(m.seasonality.period)|\(m.seasonality.order)|\(m.trend.rawValue)|\(m.likelihood)\n"
        text += "media prior: \(m.mediaPrior)\(m.choosesFamily ? " auto \(m.chooseSaturation) \(m.chooseAdstock)" : "")\n"
        text += m.priors.global.keys.sorted().map { "\($0)=\(m.priors.global[$0]!)" }.joined(separator: ";") + "\n"
        for channel in m.priors.channel.keys.sorted() {
            let own = m.priors.channel[channel]!
            text += channel + ":" + own.keys.sorted().map { "\($0)=\(own[$0]!)" }.joined(separator: ";") + "\n"
        }
        text += m.priors.roas.keys.sorted().map { "\($0)=\(m.priors.roas[$0]!.mean),\(m.priors.roas[$0]!.sd)" }.joined(separator: ";") + "\n"
        // The lift tests' values, not their file's bytes: the same tests written differently fit the same.
        text += m.liftTests.map { "\($0.channel),\($0.spend),\($0.change),\($0.lift),\($0.standardError)" }.joined(separator: ";") + "\n"
        text += "\(s.chains)|\(s.warmup)|\(s.draws)|\(s.seed)|\(s.maxTreeDepth)|\(s.targetAcceptance)|\(s.metric.rawValue)|\(s.initialStepSize)\n"
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in Array(text.utf8) + Array(bytes) {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        return String(format: "%016llx", hash)
    }

    /// The stored fit's posterior for this key, if any (`record(key:for:)` has what it computed).
    static func load(key: String, model: MediaMixModel, configuration: SamplerConfiguration) -> Posterior? {
        guard let restored = chains(in: folder.appendingPathComponent(key), model: model), restored.count == configuration.chains,
              restored.allSatisfy({ $0.drawCount == configuration.draws }) else { return nil }
        return Posterior(model: model, sampling: SamplingResult(chains: restored, configuration: configuration))
    }

    /// The chains stored in `dir`: from `posterior.bin` when it is there and sound, else from
    /// `posterior.csv` (fits stored before the binary file existed), which then gets its binary
    /// twin for the next run.
    private static func chains(in dir: URL, model: MediaMixModel) -> [ChainResult]? {
        let binary = dir.appendingPathComponent(PosteriorFile.name)
        if let data = try? Data(contentsOf: binary), let chains = PosteriorFile.decode(data, dimension: model.dimension) { return chains }
        guard let chains = textChains(in: dir, model: model) else { return nil }
        try? PosteriorFile.encode(chains).write(to: binary)
        return chains
    }

    private static func textChains(in dir: URL, model: MediaMixModel) -> [ChainResult]? {
        guard let text = try? String(contentsOf: dir.appendingPathComponent("posterior.csv"), encoding: .utf8) else { return nil }
        var chains: [Int: (draws: [Double], stats: [TransitionInfo], step: Double)] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let v = line.split(separator: ",").compactMap { Double($0) }
            // A damaged file is a cache miss, never a trap: the counts must be whole and in range.
            guard v.count == 8 + model.dimension, [v[0], v[4], v[5]].allSatisfy({ $0 >= 0 && $0 <= 1e9 && $0 == $0.rounded() }),
                  let info = TransitionInfo(values: Array(v[1...7])), let c = Int(exactly: v[0]) else { return nil }
            chains[c, default: ([], [], info.stepSize)].draws += v[8...]
            chains[c]!.stats.append(info)
        }
        return chains.keys.sorted().map {
            ChainResult(chain: $0, dimension: model.dimension, draws: chains[$0]!.draws, statistics: chains[$0]!.stats, stepSize: chains[$0]!.step)
        }
    }

    /// Stores a fit made by `mixplan fit` of `scenario` where `plan`, `whatif` and `frontier` look
    /// for it, with the files `fit` wrote. Under `auto` the choice goes under the scenario's own
    /// key (each candidate is stored under its own as it is fitted).
    public static func remember(_ fit: FitRun, of scenario: Scenario, files: [(name: String, contents: String)]) {
        guard let key = try? key(scenario) else { return }
        if scenario.model.choosesFamily { storeChoice(key: key, fit: fit, files: files) } else { store(key: key, fit: fit, files: files) }
    }

    /// Stores a fit with its files (`fit.files()` when not given) and their `FitRecord`; a failure
    /// to store is not an error (the next run refits).
    static func store(key: String, fit: FitRun, files given: [(name: String, contents: String)]? = nil) {
        var lines = [(["chain"] + TransitionInfo.columnNames + fit.posterior.model.parameters.map(\.name)).joined(separator: ",")]
        for chain in fit.posterior.sampling.chains {
            for (i, info) in chain.statistics.enumerated() {
                let row = chain.draws[(i * chain.dimension)..<((i + 1) * chain.dimension)]
                lines.append(([String(chain.chain)] + info.values.map { "\($0)" } + row.map { "\($0)" }).joined(separator: ","))
            }
        }
        let fitFiles = given ?? fit.files()
        let dir = folder.appendingPathComponent(key)
        guard (try? OutputFolder.write(fitFiles + [("posterior.csv", lines.joined(separator: "\n") + "\n")], to: dir.path)) != nil else { return }
        try? PosteriorFile.encode(fit.posterior.sampling.chains).write(to: dir.appendingPathComponent(PosteriorFile.name))
        FitRecord(fit, files: fitFiles).store(in: dir)
    }

    /// Stores what an `auto` choice computed (its files, the comparison and the verdict) under the
    /// `auto` scenario's key; the candidates' draws stay under their own keys.
    static func storeChoice(key: String, fit: FitRun, files: [(name: String, contents: String)]) {
        let dir = folder.appendingPathComponent(key)
        guard (try? OutputFolder.write(files, to: dir.path)) != nil else { return }
        FitRecord(fit, files: files).store(in: dir)
    }

    /// The stored files and record of `key`, when they were made for `scenario`.
    static func record(key: String, for scenario: Scenario) -> (record: FitRecord, files: [(name: String, contents: String)])? {
        FitRecord.load(from: folder.appendingPathComponent(key), for: scenario)
    }
}
