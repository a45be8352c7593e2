/// How far apart a history's periods are.
public enum Cadence: Sendable, Equatable, CustomStringConvertible {
    /// Every period the same number of days after the one before (7: weekly, 1: daily).
    case days(Int)
    /// Calendar months (periods of 28–31 days), each on the same day of its month (or each on
    /// its month's last day).
    case monthly

    public static let weekly = Cadence.days(7)

    /// Periods in a year: what yearly seasonality's period is in this cadence. Weekly data keep
    /// the model's long-standing 52.18 (365.25 / 7, rounded as the contract writes it).
    public var periodsPerYear: Double {
        switch self {
        case .monthly: 12
        case .days(7): 52.18
        case .days(let n): 365.25 / Double(max(n, 1))
        }
    }

    public var description: String {
        switch self {
        case .monthly: "monthly"
        case .days(7): "weekly"
        case .days(1): "daily"
        case .days(let n): "every \(n) days"
        }
    }
}

/// What the target measures, and so what a ROAS means: currency earned per unit of spend
/// (`revenue`), or units sold per unit of spend (`units`, whose inverse is a cost per unit).
public enum TargetKind: String, Sendable, CaseIterable {
    case revenue, units
}

/// Values over three named axes `[geo, period, k]`, stored flat with `k` fastest: element
/// `(g, t, k)` is `values[(g · periods + t) · width + k]`. `k` is the channel for spend, the
/// control for controls, and a single slot (`width` 1) for the target.
///
/// Flat storage keeps a geo's whole history for all channels contiguous (one cache-friendly block
/// per geo) and makes reshaping for a model a single pass.
public struct GeoArray: Sendable, Equatable {
    /// Sizes of the three axes.
    public let geos: Int, periods: Int, width: Int
    /// The elements in `[geo, period, k]` order, `geos · periods · width` of them.
    public private(set) var values: [Double]

    /// An array of `geos × periods × width` copies of `value`.
    public init(geos: Int, periods: Int, width: Int, repeating value: Double = 0) {
        precondition(geos >= 0 && periods >= 0 && width >= 0, "GeoArray: negative axis size")
        self.geos = geos; self.periods = periods; self.width = width
        values = [Double](repeating: value, count: geos * periods * width)
    }

    /// Wraps `values`, already in `[geo, period, k]` order.
    public init(geos: Int, periods: Int, width: Int, values: [Double]) {
        precondition(values.count == geos * periods * width,
                     "GeoArray: \(values.count) values for shape [\(geos), \(periods), \(width)]")
        self.geos = geos; self.periods = periods; self.width = width
        self.values = values
    }

    /// National data (one geo) from series laid out `[k][periods]`, as the older API takes them.
    public init(series: [[Double]], periods: Int) {
        precondition(series.allSatisfy { $0.count == periods }, "GeoArray: every series needs \(periods) values")
        self.init(geos: 1, periods: periods, width: series.count)
        for (k, s) in series.enumerated() { for (t, v) in s.enumerated() { values[t * width + k] = v } }
    }

    @inline(__always) func offset(_ geo: Int, _ period: Int, _ k: Int) -> Int {
        precondition(geo >= 0 && geo < geos && period >= 0 && period < periods && k >= 0 && k < width,
                     "GeoArray: index (\(geo), \(period), \(k)) outside [\(geos), \(periods), \(width)]")
        return (geo * periods + period) * width + k
    }

    public subscript(geo: Int, period: Int, k: Int) -> Double {
        get { values[offset(geo, period, k)] }
        set { values[offset(geo, period, k)] = newValue }
    }

    /// One geo's series of slot `k`, `[periods]`.
    public func series(geo: Int, _ k: Int) -> [Double] {
        (0..<periods).map { values[offset(geo, $0, k)] }
    }

    /// Each slot's series summed over geos, `[width][periods]`.
    public func sumOverGeos() -> [[Double]] {
        weightedOverGeos(Array(repeating: 1, count: geos))
    }

    /// Each slot's series as `Σ_g weight_g · value`, `[width][periods]`.
    func weightedOverGeos(_ weights: [Double]) -> [[Double]] {
        var out = [[Double]](repeating: [Double](repeating: 0, count: periods), count: width)
        for g in 0..<geos {
            let w = weights[g]
            for t in 0..<periods {
                let base = (g * periods + t) * width
                for k in 0..<width { out[k][t] += w * values[base + k] }
            }
        }
        return out
    }
}

/// A history in the data's own units: one target, the spend of each channel and optional
/// controls per period, for one geo (national data) or several. Validated by whoever builds it
/// (`DatasetLoader` for files).
///
/// The source of truth is three `[geo, period, …]` arrays (`geoTarget`, `geoSpend`,
/// `geoControls`). National data is one geo, named `"national"` unless told otherwise. The
/// national views (`target`, `spend`, `controls`, `totalSpend`) keep the meaning they had before
/// geos: for geo data, target and spend are summed over geos, and controls are the geos' mean —
/// weighted by population when `population` is given, else plain — so a control stays on its own
/// scale (a price index stays an index). The views are computed once, when the data are set.
public struct Dataset: Sendable {
    /// Period labels (ISO dates), `[periods]`.
    public var dates: [String]
    public var targetName: String
    /// Channel names, `[channels]`.
    public var channels: [String]
    /// Control names, `[controls]`.
    public var controlNames: [String]
    /// Geo names, `[geos]`: `["national"]` for national data.
    public private(set) var geos: [String]
    /// Each geo's population, `[geos]`, when the data give it (always positive).
    public private(set) var population: [Double]?
    /// How far apart the periods are (weekly unless the loader found otherwise).
    public var cadence: Cadence
    /// What the target measures (default revenue).
    public var targetKind: TargetKind

    /// The target, `[geo, period, 1]`.
    public private(set) var geoTarget: GeoArray
    /// Spend, `[geo, period, channel]`, in currency.
    public private(set) var geoSpend: GeoArray
    /// Controls, `[geo, period, control]`.
    public private(set) var geoControls: GeoArray

    private var nationalTarget: [Double]
    private var nationalSpend: [[Double]]
    private var nationalControls: [[Double]]

    /// National data (one geo). `spend` is `[channels][periods]`, `controls` `[controls][periods]`.
    public init(dates: [String], targetName: String, target: [Double], channels: [String], spend: [[Double]],
                controlNames: [String] = [], controls: [[Double]] = [],
                cadence: Cadence = .weekly, targetKind: TargetKind = .revenue) {
        let T = target.count
        self.init(dates: dates, targetName: targetName, channels: channels, controlNames: controlNames,
                  geos: ["national"], population: nil,
                  target: GeoArray(series: [target], periods: T),
                  spend: GeoArray(series: spend, periods: T),
                  controls: GeoArray(series: controls, periods: T),
                  cadence: cadence, targetKind: targetKind)
    }

    /// Data over named geos. `target` is `[geo, period, 1]`, `spend` `[geo, period, channel]`,
    /// `controls` `[geo, period, control]`; `population`, when given, `[geos]`.
    public init(dates: [String], targetName: String, channels: [String], controlNames: [String] = [],
                geos: [String], population: [Double]? = nil,
                target: GeoArray, spend: GeoArray, controls: GeoArray? = nil,
                cadence: Cadence = .weekly, targetKind: TargetKind = .revenue) {
        // The arrays fix the number of periods; `dates` is not checked against it, as before geos.
        let G = geos.count, T = target.periods
        let controls = controls ?? GeoArray(geos: G, periods: T, width: 0)
        precondition(G >= 1, "Dataset: at least one geo")
        precondition(target.geos == G && target.periods == T && target.width == 1, "Dataset: target is not [\(G), \(T), 1]")
        precondition(spend.geos == G && spend.periods == T && spend.width == channels.count,
                     "Dataset: spend is not [\(G), \(T), \(channels.count)]")
        precondition(controls.geos == G && controls.periods == T && controls.width == controlNames.count,
                     "Dataset: controls are not [\(G), \(T), \(controlNames.count)]")
        precondition(population.map { $0.count == G } ?? true, "Dataset: population needs one value per geo")
        self.dates = dates; self.targetName = targetName; self.channels = channels; self.controlNames = controlNames
        self.geos = geos; self.population = population; self.cadence = cadence; self.targetKind = targetKind
        geoTarget = target; geoSpend = spend; geoControls = controls
        nationalTarget = []; nationalSpend = []; nationalControls = []
        refreshTarget(); refreshSpend(); refreshControls()
    }

    private mutating func refreshTarget() { nationalTarget = geoTarget.sumOverGeos()[0] }
    private mutating func refreshSpend() { nationalSpend = geoSpend.sumOverGeos() }
    private mutating func refreshControls() {
        let weights = population ?? Array(repeating: 1, count: geos.count)
        let total = weights.reduce(0, +)
        nationalControls = geoControls.weightedOverGeos(weights.map { $0 / total })
    }

    // MARK: - Sizes

    public var periods: Int { geoTarget.periods }
    public var geoCount: Int { geos.count }
    /// Whether the data have more than one geo.
    public var isGeo: Bool { geos.count > 1 }

    // MARK: - National views (the same as before geos for national data)

    /// The target, `[periods]`: summed over geos. Setting it is for national data only.
    public var target: [Double] {
        get { nationalTarget }
        set {
            precondition(!isGeo && newValue.count == periods, "Dataset.target: set per geo on geo data")
            geoTarget = GeoArray(series: [newValue], periods: periods); refreshTarget()
        }
    }

    /// Spend per channel, `[channels][periods]`, in currency: summed over geos. Setting it is for
    /// national data only.
    public var spend: [[Double]] {
        get { nationalSpend }
        set {
            precondition(!isGeo && newValue.count == channels.count, "Dataset.spend: set per geo on geo data")
            geoSpend = GeoArray(series: newValue, periods: periods); refreshSpend()
        }
    }

    /// Controls, `[controls][periods]`: the geos' population-weighted mean (plain mean without
    /// population). Setting them is for national data only.
    public var controls: [[Double]] {
        get { nationalControls }
        set {
            precondition(!isGeo && newValue.count == controlNames.count, "Dataset.controls: set per geo on geo data")
            geoControls = GeoArray(series: newValue, periods: periods); refreshControls()
        }
    }

    /// Total spend of each channel over the whole history and all geos, `[channels]`.
    public var totalSpend: [Double] { nationalSpend.map { $0.reduce(0, +) } }

    // MARK: - Per geo

    /// Index of the geo named `name`, if any.
    public func geoIndex(named name: String) -> Int? { geos.firstIndex(of: name) }

    /// One geo's target, `[periods]`.
    public func target(geo: Int) -> [Double] { geoTarget.series(geo: geo, 0) }

    /// One geo's spend on one channel, `[periods]`.
    public func spend(geo: Int, channel: Int) -> [Double] { geoSpend.series(geo: geo, channel) }

    /// One geo's spend, `[channels][periods]`.
    public func spend(geo: Int) -> [[Double]] { channels.indices.map { geoSpend.series(geo: geo, $0) } }

    /// One geo's control, `[periods]`.
    public func control(geo: Int, control: Int) -> [Double] { geoControls.series(geo: geo, control) }

    /// One geo's controls, `[controls][periods]`.
    public func controls(geo: Int) -> [[Double]] { controlNames.indices.map { geoControls.series(geo: geo, $0) } }

    /// Total spend of each channel in one geo over the whole history, `[channels]`.
    public func totalSpend(geo: Int) -> [Double] { spend(geo: geo).map { $0.reduce(0, +) } }
}
