import BudgetOptimization
import Foundation
import MediaModel
import Sampling

/// A scenario file: the data, the model, the sampler (and, for planning, the plan).
public struct Scenario: Sendable {
    /// `name`, or the file's base name.
    public var name: String
    /// The scenario file's path.
    public var file: String
    public var data: DataSpecification
    public var model: ModelSpecification
    public var sampler: SamplerConfiguration
    public var plan: PlanSettings
    public var whatIfs: [WhatIf]

    static let topKeys = ["name", "data", "model", "sampler", "plan", "what_if"]
    static let dataKeys = ["file", "date", "target", "channels", "controls", "geo", "population", "target_kind"]

    public init(name: String, file: String, data: DataSpecification, model: ModelSpecification,
                sampler: SamplerConfiguration, plan: PlanSettings = PlanSettings(), whatIfs: [WhatIf] = []) {
        self.name = name; self.file = file; self.data = data; self.model = model
        self.sampler = sampler; self.plan = plan; self.whatIfs = whatIfs
    }

    /// Reads and validates a scenario file; paths inside are relative to its folder.
    public static func load(path: String) throws -> Scenario {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(.missingFile, "\(path): no such scenario file")
        }
        guard let bytes = FileManager.default.contents(atPath: path), let text = String(data: bytes, encoding: .utf8) else {
            throw InputError(.missingFile, "\(path): cannot be read as UTF-8 text")
        }
        let root = try YAMLValue.document(text, file: path)
        let top = try root.mapping(allowed: topKeys)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let name = try top["name"]?.string() ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        guard let dataNode = top["data"] else { throw root.error("the scenario needs a 'data' block (file, date, target, channels)") }
        let data = try parseData(dataNode, folder: folder)
        var model = try top["model"].map { try parseModel($0, channels: data.channels, folder: folder) } ?? ModelSpecification()
        if top["model"] == nil { model.chooseAdstock = true; model.chooseSaturation = true }
        if data.geo != nil, model.timeVariation.isActive {
            throw InputError(.configuration, "\(path): model.time_varying: time-varying effects are not available for geo data yet; expected no time_varying key with data.geo (fit the national totals to use it)")
        }
        // ROAS means nothing for a target that is not money: there the default belief is the
        // share of the target media explain.
        if data.targetKind == .units, !statesMediaPrior(top["model"]) { model.mediaPrior = .unitsDefault }
        var sampler = try top["sampler"].map(parseSampler) ?? SamplerConfiguration()
        let statesAcceptance = ((try? top["sampler"]?.entries()) ?? []).contains(where: { $0.0 == "target_accept" })
        if !statesAcceptance { sampler = sampler.withModelDefaults(model, geo: data.geo != nil) }
        let plan = try top["plan"].map { try parsePlan($0, channels: data.channels) } ?? PlanSettings()
        let whatIfs = try top["what_if"].map { try parseWhatIfs($0, channels: data.channels) } ?? []
        return Scenario(name: name, file: path, data: data, model: model, sampler: sampler, plan: plan, whatIfs: whatIfs)
    }

    /// A path named in the scenario: absolute as written, else relative to the scenario's folder.
    static func resolve(_ path: String, in folder: URL) -> String {
        path.hasPrefix("/") ? path : folder.appendingPathComponent(path).standardizedFileURL.path
    }

    static func parseData(_ node: YAMLValue, folder: URL) throws -> DataSpecification {
        let keys = try node.mapping(allowed: dataKeys)
        func required(_ key: String) throws -> YAMLValue {
            guard let v = keys[key] else { throw node.error("missing key '\(key)'") }
            return v
        }
        let rawFile = try required("file").string()
        let file = resolve(rawFile, in: folder)
        let channels = try required("channels").stringList()
        if channels.isEmpty { throw node.error("data.channels needs at least one spend column") }
        if Set(channels).count != channels.count { throw try required("channels").error("a channel is listed twice") }
        let date = try required("date").string(), target = try required("target").string()
        let controls = try keys["controls"]?.stringList() ?? []
        // One column in two roles makes a model that explains a column by itself, or counts it twice.
        if channels.contains(target) {
            throw try required("channels").error("'\(target)' is the target (data.target); it cannot also be a channel")
        }
        if let controlsNode = keys["controls"] {
            if controls.contains(target) { throw controlsNode.error("'\(target)' is the target (data.target); it cannot also be a control") }
            if let both = controls.first(where: channels.contains) {
                throw controlsNode.error("'\(both)' is listed as a channel and as a control; a column is one or the other")
            }
            if let twice = controls.first(where: { c in controls.filter { $0 == c }.count > 1 }) {
                throw controlsNode.error("'\(twice)' is listed twice")
            }
        }
        for (role, names) in [("target", [target]), ("channels", channels), ("controls", controls)] where names.contains(date) {
            throw node.error("'\(date)' is the date column (data.date); it cannot also be in data.\(role)")
        }
        return DataSpecification(
            file: file, date: date, target: target,
            channels: channels, controls: controls,
            geo: try keys["geo"]?.string(), population: try keys["population"]?.string(),
            targetKind: try keys["target_kind"].map { try choice($0, TargetKind.self) } ?? .revenue)
    }

    /// Whether the model block states the default media prior itself (`priors.roas` or `priors.media_share`).
    static func statesMediaPrior(_ model: YAMLValue?) -> Bool {
        guard let model, let priors = (try? model.entries())?.first(where: { $0.0 == "priors" })?.1 else { return false }
        return ((try? priors.entries()) ?? []).contains { $0.0 == "roas" || $0.0 == "media_share" }
    }

    static func parseModel(_ node: YAMLValue, channels: [String], folder: URL) throws -> ModelSpecification {
        var spec = ModelSpecification()
        // A family the scenario does not name is chosen from the data.
        spec.chooseAdstock = true; spec.chooseSaturation = true
        let keys = try node.mapping(allowed: ["adstock", "saturation", "seasonality", "trend", "likelihood", "priors", "lift_tests", "hierarchy", "time_varying", "averaging"])
        if let adstock = keys["adstock"] {
            if adstock.isMapping {
                let a = try adstock.mapping(allowed: ["type", "max_lag"])
                if let t = a["type"] { try family(t, auto: &spec.chooseAdstock) { spec.adstock = try choice(t, AdstockKind.self) } }
                if let lag = a["max_lag"] {
                    spec.maxLag = try lag.int()
                    guard (1...104).contains(spec.maxLag) else { throw lag.error("expected 1 to 104 periods, got \(spec.maxLag)") }
                }
            } else {
                try family(adstock, auto: &spec.chooseAdstock) { spec.adstock = try choice(adstock, AdstockKind.self) }
            }
        }
        if let s = keys["saturation"] { try family(s, auto: &spec.chooseSaturation) { spec.saturation = try choice(s, SaturationKind.self) } }
        if let t = keys["trend"] { spec.trend = try choice(t, TrendKind.self); spec.trendStated = true }
        if let h = keys["hierarchy"] { spec.hierarchy = try choice(h, Hierarchy.self) }
        if let a = keys["averaging"] { spec.averaging = try choice(a, ModelAveraging.self) }
        if let season = keys["seasonality"] {
            if case .scalar(let s) = season.node, ["none", "off", "false"].contains(s.string) {
                spec.seasonality.order = 0
            } else {
                let s = try season.mapping(allowed: ["period", "order"])
                if let p = s["period"] {
                    spec.seasonality.period = try p.double()
                    guard spec.seasonality.period > 1 else { throw p.error("expected a period longer than 1") }
                }
                if let o = s["order"] {
                    spec.seasonality.order = try o.int()
                    guard (0...10).contains(spec.seasonality.order) else { throw o.error("expected 0 to 10 Fourier pairs") }
                }
            }
        }
        if let l = keys["likelihood"] {
            if l.isMapping {
                let m = try l.mapping(allowed: ["student_t"])
                guard let body = m["student_t"] else { throw l.error("expected normal, student_t or {student_t: {nu: 4}}") }
                let t = body.isMapping ? try body.mapping(allowed: ["nu"]) : [:]
                if !body.isMapping, body.scalarText != "" { throw body.error("expected {nu: 4}") }
                let nu = try t["nu"]?.double() ?? 5
                // Below 1 a Student-t has no mean: the fit would chase outliers without limit.
                guard nu >= 1, nu <= 1e6 else { throw (t["nu"] ?? body).error("nu must be from 1 to 1,000,000, got \(nu)") }
                spec.likelihood = .studentT(degreesOfFreedom: nu)
            } else {
                switch try l.string() {
                case "normal": spec.likelihood = .normal
                case "student_t", "student-t", "t": spec.likelihood = .studentT(degreesOfFreedom: 5)
                case let other: throw l.error("unknown likelihood '\(other)'\(suggestion(other, in: ["normal", "student_t"])); expected normal or student_t")
                }
            }
        }
        if let lift = keys["lift_tests"] {
            let raw = try lift.string()
            spec.liftTests = try LiftTestFile.load(file: resolve(raw, in: folder), channels: channels)
        }
        if let priors = keys["priors"] { spec.priors = try parsePriors(priors, channels: channels, mediaPrior: &spec.mediaPrior) }
        if let varying = keys["time_varying"] { spec.timeVariation = try parseTimeVariation(varying, channels: channels) }
        return spec
    }

    /// `model.time_varying: {media: [tv, youtube] | all | none, intercept: true | false}`.
    static func parseTimeVariation(_ node: YAMLValue, channels: [String]) throws -> TimeVariation {
        let keys = try node.mapping(allowed: ["media", "intercept"])
        var out = TimeVariation()
        if let media = keys["media"] {
            switch media.scalarText {
            case "all": out.media = .all
            case "none", "": out.media = .none
            default:
                let names = try media.stringList()
                for name in names where !channels.contains(name) {
                    throw media.error("unknown channel '\(name)'\(suggestion(name, in: channels)); expected all, none or a list of channels (\(channels.joined(separator: ", ")))")
                }
                out.media = names.isEmpty ? .none : .channels(names)
            }
        }
        if let intercept = keys["intercept"] { out.intercept = try intercept.bool() }
        return out
    }

    /// `auto` sets `auto`; any other value is a family name, read by `named`.
    static func family(_ node: YAMLValue, auto: inout Bool, named: () throws -> Void) throws {
        if node.scalarText == "auto" { auto = true } else { auto = false; try named() }
    }

    static func choice<T: RawRepresentable & CaseIterable>(_ node: YAMLValue, _: T.Type) throws -> T where T.RawValue == String {
        let raw = try node.string()
        let options = T.allCases.map(\.rawValue)
        guard let value = T(rawValue: raw) else {
            throw node.error("unknown value '\(raw)'\(suggestion(raw, in: options)); expected one of \(options.joined(separator: ", "))")
        }
        return value
    }

    static func parsePriors(_ node: YAMLValue, channels: [String], mediaPrior: inout MediaPrior) throws -> PriorOverrides {
        var out = PriorOverrides()
        for (key, value) in try node.entries() {
            if key == "roas" {
                // Every channel's default ROAS belief: {lognormal: {mu, sigma}} or {lognormal: {mean, sd}}.
                guard case .logNormal(let mu, let sigma) = try parseDistribution(value) else {
                    throw value.error("the default ROAS prior must be a log-normal, e.g. {lognormal: {mu: 0.2, sigma: 0.8}}")
                }
                mediaPrior = .roas(mu: mu, sigma: sigma)
            } else if key == "media_share" {
                let r = try value.mapping(allowed: ["mean", "sd"])
                guard let m = r["mean"], let s = r["sd"] else { throw value.error("media_share needs mean and sd, e.g. {mean: 0.4, sd: 0.2}") }
                let mean = try m.double(), sd = try s.double()
                guard mean > 0, mean < 1, sd > 0, sd < 1 else { throw value.error("media_share mean and sd must lie between 0 and 1, got \(mean) and \(sd)") }
                mediaPrior = .mediaShare(mean: mean, sd: sd)
            } else if PriorOverrides.globalKeys.contains(key) {
                out.global[key] = try parseDistribution(value)
            } else if channels.contains(key) {
                for (param, dist) in try value.entries() {
                    guard PriorOverrides.channelKeys.contains(param) else {
                        throw dist.error("unknown channel parameter '\(param)'\(suggestion(param, in: PriorOverrides.channelKeys)); expected one of \(PriorOverrides.channelKeys.joined(separator: ", "))")
                    }
                    if param == "roas" {
                        let r = try dist.mapping(allowed: ["mean", "sd"])
                        guard let m = r["mean"], let s = r["sd"] else { throw dist.error("a ROAS prior needs mean and sd") }
                        let mean = try m.double(), sd = try s.double()
                        guard mean >= 1e-6, sd >= 1e-6, mean <= 1e6, sd <= 1e6 else { throw dist.error("ROAS mean and sd must be positive and at most 1,000,000, got \(mean) and \(sd)") }
                        out.roas[key] = (mean, sd)
                    } else {
                        out.channel[key, default: [:]][param] = try parseDistribution(dist)
                    }
                }
            } else {
                let valid = PriorOverrides.globalKeys + ["roas", "media_share"] + channels
                throw value.error("'\(key)' is neither a model parameter nor a channel\(suggestion(key, in: valid)); expected one of \(valid.joined(separator: ", "))")
            }
        }
        return out
    }

    static func parseDistribution(_ node: YAMLValue) throws -> Prior {
        let kinds = ["normal", "half_normal", "lognormal", "gamma", "beta"]
        let entries = try node.entries()
        guard entries.count == 1, let (kind, body) = entries.first else {
            throw node.error("expected one distribution, e.g. {normal: {mean: 0, sd: 1}}")
        }
        func number(_ keys: [String: YAMLValue], _ k: String) throws -> Double {
            guard let v = keys[k] else { throw body.error("missing '\(k)'") }
            return try v.double()
        }
        let prior: Prior
        switch kind {
        case "normal":
            let k = try body.mapping(allowed: ["mean", "sd"]); prior = .normal(mean: try number(k, "mean"), sd: try number(k, "sd"))
        case "half_normal":
            let k = try body.mapping(allowed: ["sd"]); prior = .halfNormal(sd: try number(k, "sd"))
        case "lognormal":
            let k = try body.mapping(allowed: ["mu", "sigma", "mean", "sd"])
            if k["mu"] != nil {
                prior = .logNormal(mu: try number(k, "mu"), sigma: try number(k, "sigma"))
            } else {
                let mean = try number(k, "mean"), sd = try number(k, "sd")
                guard mean > 0, sd > 0 else { throw body.error("a log-normal's mean and sd must be positive, got \(mean) and \(sd)") }
                prior = .logNormal(mean: mean, sd: sd)
            }
        case "gamma":
            let k = try body.mapping(allowed: ["shape", "rate"]); prior = .gamma(shape: try number(k, "shape"), rate: try number(k, "rate"))
        case "beta":
            let k = try body.mapping(allowed: ["a", "b"]); prior = .beta(a: try number(k, "a"), b: try number(k, "b"))
        default:
            throw node.error("unknown distribution '\(kind)'\(suggestion(kind, in: kinds)); expected one of \(kinds.joined(separator: ", "))")
        }
        if let why = prior.problem { throw body.error(why) }
        // A prior far outside the model's scaled units cannot be sampled; say so here, not as an
        // internal failure of the sampler.
        let limit = 1e6
        if case .scalar = body.node {} else {
            for (key, value) in (try? body.entries()) ?? [] {
                guard let x = try? value.double() else { continue }
                if abs(x) > limit { throw value.error("\(key) \(x) is outside ±1,000,000") }
                // A scale or shape this small puts all prior mass on a point the sampler cannot start from.
                if ["sd", "sigma", "shape", "rate", "a", "b"].contains(key), x < 1e-6 {
                    throw value.error("\(key) \(x) is below 0.000001; expected a positive \(key)")
                }
            }
        }
        return prior
    }

    static func parseSampler(_ node: YAMLValue) throws -> SamplerConfiguration {
        var c = SamplerConfiguration()
        let keys = try node.mapping(allowed: ["chains", "warmup", "draws", "seed", "target_accept", "max_treedepth", "metric"])
        // Upper limits keep a typo (draws: 1000000000) from exhausting memory instead of failing.
        func count(_ k: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let v = keys[k] else { return nil }
            let n = try v.int()
            guard range.contains(n) else { throw v.error("expected \(range.lowerBound) to \(range.upperBound), got \(n)") }
            return n
        }
        if let n = try count("chains", 1...64) { c.chains = n }
        if let n = try count("warmup", 0...100_000) { c.warmup = n }
        if let n = try count("draws", 1...100_000) { c.draws = n }
        if let n = try count("max_treedepth", 1...20) { c.maxTreeDepth = n }
        if c.chains * c.draws > 400_000 {
            throw node.error("\(c.chains) chains × \(c.draws) draws is more than 400,000 draws in all; fewer are plenty (4 × 1000 is the default)")
        }
        if let s = keys["seed"] {
            // The same range as --seed: 0 to 2^64 − 1.
            guard case .scalar(let text) = s.node, let n = UInt64(text.string.replacingOccurrences(of: "_", with: "")) else {
                throw s.error("expected a seed from 0 to 18446744073709551615, got '\(s.scalarText)'")
            }
            c.seed = n
        }
        if let a = keys["target_accept"] {
            c.targetAcceptance = try a.double()
            guard c.targetAcceptance > 0, c.targetAcceptance < 1 else { throw a.error("expected a number between 0 and 1") }
        }
        if let m = keys["metric"] { c.metric = try choice(m, MetricKind.self) }
        return c
    }
}
