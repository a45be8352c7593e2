/// Fourier terms for yearly (or other) seasonality.
public struct Seasonality: Sendable, Equatable {
    /// Period in data periods (default 52.18 weeks: a year).
    public var period: Double = 52.18
    /// Number of sine–cosine pairs (default 2; 0 turns seasonality off).
    public var order: Int = 2
    public init(period: Double = 52.18, order: Int = 2) { self.period = period; self.order = order }
}

public enum TrendKind: String, Sendable, CaseIterable { case linear, none }

/// How the candidates of an `auto` family choice are weighted when none dominates
/// (`model.averaging`).
public enum ModelAveraging: String, Sendable, CaseIterable, Codable {
    /// Pseudo-BMA+: softmax of elpd_loo averaged over a Bayesian bootstrap of the weeks. Models
    /// the data cannot tell apart keep similar weights. The default.
    case pseudoBMA = "pseudo_bma"
    /// Stacking: the mixture that predicts left-out weeks best (ArviZ's `az.compare` default).
    /// It may give all weight to one of several models that predict equally well.
    case stacking
}

/// How a geo model shares each channel's effect across geos (`model.hierarchy`; national data
/// ignore it).
public enum Hierarchy: String, Sendable, CaseIterable {
    /// A national ROAS per channel and each geo's log-scale deviation from it, pooled with a
    /// learned scale τ (non-centred): small geos borrow strength from large ones. The default.
    case partial
    /// One ROAS per channel for every geo.
    case pooled
    /// Every geo its own ROAS, each with the national prior and nothing shared.
    case separate
}

public enum Likelihood: Sendable, Equatable {
    case normal
    /// Student-t with fixed degrees of freedom ν (default 5): robust to outlying weeks.
    case studentT(degreesOfFreedom: Double)
}

/// User-stated prior overrides. Keys are the parameter families below; channel entries apply
/// to one channel.
public struct PriorOverrides: Sendable, Equatable {
    /// Model-wide: `intercept`, `trend`, `seasonality`, `controls`, `sigma`.
    public var global: [String: Prior] = [:]
    /// Per channel: `beta`, or a curve family parameter's key (`adstock` for α, `peak`,
    /// `half_saturation`, `slope`, `lambda`, `adstock_lambda`, `adstock_shape`).
    public var channel: [String: [String: Prior]] = [:]
    /// Per channel ROAS belief (mean, sd): the channel is then parameterized by its ROAS over
    /// the data period, with a log-normal prior of that mean and sd.
    public var roas: [String: (mean: Double, sd: Double)] = [:]

    public init() {}

    public static func == (a: PriorOverrides, b: PriorOverrides) -> Bool {
        a.global == b.global && a.channel == b.channel
            && a.roas.mapValues { [$0.mean, $0.sd] } == b.roas.mapValues { [$0.mean, $0.sd] }
    }

    public static let globalKeys = ["intercept", "trend", "seasonality", "controls", "sigma"]
    /// `beta`, `roas`, and every family parameter's key (`adstock`, `peak`, `half_saturation`,
    /// `slope`, `lambda`, `adstock_lambda`, `adstock_shape`).
    public static let channelKeys: [String] = {
        let context = ChannelContext.neutral
        var keys = ["beta"]
        for family in AdstockKind.allCases.map(\.family) { keys += family.parameters(context).map(\.priorKey) }
        for family in SaturationKind.allCases.map(\.family) { keys += family.parameters(context).map(\.priorKey) }
        var seen = Set<String>()
        return (keys + ["roas"]).filter { seen.insert($0).inserted }
    }()
}

/// Everything that defines the media-mix model apart from the data. Defaults match the contract.
public struct ModelSpecification: Sendable, Equatable {
    public var adstock: AdstockKind = .geometric
    /// Carryover horizon L in periods (default 8).
    public var maxLag: Int = 8
    public var saturation: SaturationKind = .hill
    public var seasonality = Seasonality()
    public var trend: TrendKind = .linear
    /// Whether the scenario names `model.trend` (default false): an unstated linear trend gives
    /// way to a control that is itself the time index (PyMC-Marketing's example has one, `t`).
    public var trendStated = false
    public var likelihood: Likelihood = .normal
    public var priors = PriorOverrides()
    /// The default prior on media effects for channels without their own (default: ROAS
    /// LogNormal(0.2, 0.9), for revenue targets; scenarios with `data.target_kind: units` use
    /// `MediaPrior.unitsDefault`).
    public var mediaPrior: MediaPrior = .revenueDefault
    /// Experiments the fit is calibrated to (default none).
    public var liftTests: [LiftTest] = []
    /// Geo data only: how channel effects are shared across geos (default partial pooling).
    public var hierarchy: Hierarchy = .partial
    /// Effects that change smoothly over time (`model.time_varying`; default none; national data).
    public var timeVariation = TimeVariation()
    /// `model.saturation: auto` / `model.adstock.type: auto` (a scenario's default when it names
    /// no family): fit every candidate family and let PSIS-LOO choose. A specification built in
    /// code keeps the one family it names (false).
    public var chooseSaturation = false
    public var chooseAdstock = false
    /// Weights of the candidates when none dominates (default pseudo-BMA+).
    public var averaging: ModelAveraging = .pseudoBMA

    public init() {}

    /// The saturation families `auto` compares.
    public static let saturationCandidates: [SaturationKind] = [.hill, .logistic, .michaelisMenten]
    /// The carryover families `auto` compares, every one mixplan fits: geometric (peak in the
    /// week of spend), delayed (a peak some weeks later) and Weibull-CDF (a fast drop then a long
    /// tail). The Weibull-CDF weights only ever fall, so they cannot stand in for a delayed peak.
    public static let adstockCandidates: [AdstockKind] = [.geometric, .delayed, .weibull]

    public var choosesFamily: Bool { chooseSaturation || chooseAdstock }

    /// The specifications to compare, each naming one family of each kind (saturation varying
    /// fastest); just this one when nothing is `auto`.
    public var candidates: [ModelSpecification] {
        let adstocks = chooseAdstock ? Self.adstockCandidates : [adstock]
        let saturations = chooseSaturation ? Self.saturationCandidates : [saturation]
        return adstocks.flatMap { a in
            saturations.map { s in
                var spec = self
                spec.adstock = a; spec.saturation = s
                spec.chooseAdstock = false; spec.chooseSaturation = false
                return spec
            }
        }
    }
}
