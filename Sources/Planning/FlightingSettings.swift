import Foundation

/// The scenario's plan-over-time keys: `plan.flighting`, `plan.period_budgets`, `plan.weekly_max`
/// and `plan.carryover`.
public struct FlightingSettings: Sendable {
    /// The same settings with every period budget multiplied by `factor`: a frontier keeps each
    /// month's share of the total as the total moves.
    public func scalingPeriodBudgets(by factor: Double) -> FlightingSettings {
        var scaled = self
        scaled.periodBudgets = periodBudgets.map { ($0.key, $0.amount * factor, $0.path) }
        return scaled
    }

    /// How spend is laid out over the horizon.
    public enum Mode: String, Sendable, CaseIterable {
        /// Even spend per period, one decision per channel (the default).
        case flat
        /// One decision per (period, channel).
        case weekly
    }

    /// Whether the spend of the data's last periods carries into the plan.
    public enum Carryover: String, Sendable, CaseIterable {
        /// The last `max_lag − 1` observed periods carry in through each draw's adstock (default).
        case history
        /// The plan starts from nothing.
        case none
    }

    /// A period budget as written: a month `YYYY-MM` or a 1-based period index.
    public enum PeriodKey: Sendable, Equatable {
        case month(year: Int, month: Int)
        case index(Int)
    }

    public var mode: Mode = .flat
    /// Channels that may only run in some periods: on/off per planned period, `[horizon]`.
    public var patterns: [String: [Bool]] = [:]
    /// Budgets per month or period, with their key paths for messages.
    public var periodBudgets: [(key: PeriodKey, amount: Double, path: String)] = []
    /// Per-(period, channel) caps on spend, currency per period.
    public var weeklyMax: [String: Double] = [:]
    public var carryover: Carryover = .history
    /// Where the scenario's `plan` block sits (file and key path), for messages about the whole.
    public var source = "plan"

    public init() {}

    /// Whether the plan decides spend per period.
    public var isScheduled: Bool { mode == .weekly }

    /// Named on/off patterns a channel may use instead of a list.
    static let namedPatterns = ["always", "alternate", "first_half", "second_half"]

    static func named(_ name: String, horizon: Int) -> [Bool]? {
        switch name {
        case "always": Array(repeating: true, count: horizon)
        case "alternate": (0..<horizon).map { $0 % 2 == 0 }
        case "first_half": (0..<horizon).map { $0 < (horizon + 1) / 2 }
        case "second_half": (0..<horizon).map { $0 >= (horizon + 1) / 2 }
        default: nil
        }
    }
}

extension Scenario {
    static let flightingKeys = ["flighting", "period_budgets", "weekly_max", "carryover"]

    /// Reads the flighting keys of a `plan` block (`keys`), after its horizon is known.
    static func parseFlighting(_ keys: [String: YAMLValue], horizon: Int, channels: [String]) throws -> FlightingSettings {
        var f = FlightingSettings()
        func channel(_ name: String, _ value: YAMLValue) throws {
            guard channels.contains(name) else {
                throw value.error("unknown channel '\(name)'\(suggestion(name, in: channels)); channels are \(channels.joined(separator: ", "))")
            }
        }
        if let node = keys["flighting"] {
            f.source = node.path
            if node.isMapping {
                // A mapping of channels to patterns: weekly decisions, those channels restricted.
                f.mode = .weekly
                for (name, value) in try node.entries() {
                    try channel(name, value)
                    let pattern: [Bool]
                    if case .sequence(let seq) = value.node {
                        pattern = try seq.enumerated().map { i, n in
                            let item = YAMLValue(node: n, path: "\(value.path)[\(i)]", file: value.file)
                            switch item.scalarText.lowercased() {
                            case "on", "true", "1", "yes": return true
                            case "off", "false", "0", "no": return false
                            default: throw item.error("expected on or off, got '\(item.scalarText)'")
                            }
                        }
                        guard pattern.count == horizon else {
                            throw value.error("has \(pattern.count) on/off entries; expected one per planned period (plan.horizon = \(horizon))")
                        }
                    } else {
                        let text = try value.string()
                        guard let named = FlightingSettings.named(text, horizon: horizon) else {
                            throw value.error("unknown pattern '\(text)'\(suggestion(text, in: FlightingSettings.namedPatterns)); expected a list of on/off per period or one of \(FlightingSettings.namedPatterns.joined(separator: ", "))")
                        }
                        pattern = named
                    }
                    guard pattern.contains(true) else { throw value.error("is off in every period; leave the channel out with plan.bounds: {\(name): [0, 0]} instead") }
                    f.patterns[name] = pattern
                }
            } else {
                f.mode = try choice(node, FlightingSettings.Mode.self)
            }
        }
        if let node = keys["period_budgets"] {
            for (key, value) in try node.entries() {
                let amount = try Scenario.amount(value)
                guard amount >= 0 else { throw value.error("expected a non-negative amount, got \(amount)") }
                let parsed: FlightingSettings.PeriodKey
                if let index = Int(key) {
                    guard (1...horizon).contains(index) else { throw value.error("period \(index) is outside the plan's periods 1 to \(horizon)") }
                    parsed = .index(index)
                } else {
                    let parts = key.split(separator: "-", omittingEmptySubsequences: false)
                    guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else {
                        throw value.error("'\(key)' is neither a month (YYYY-MM, e.g. 2027-01) nor a period number (1 to \(horizon))")
                    }
                    parsed = .month(year: y, month: m)
                }
                guard !f.periodBudgets.contains(where: { $0.key == parsed }) else { throw value.error("'\(key)' is given twice") }
                f.periodBudgets.append((parsed, amount, value.path))
            }
        }
        if let node = keys["weekly_max"] {
            for (name, value) in try node.entries() {
                try channel(name, value)
                let cap = try Scenario.amount(value)
                guard cap >= 0 else { throw value.error("expected a non-negative amount per period, got \(cap)") }
                f.weeklyMax[name] = cap
            }
        }
        if let node = keys["carryover"] { f.carryover = try choice(node, FlightingSettings.Carryover.self) }
        // Budgets per period and caps per period are decisions per period: flat spend cannot honour them.
        if let node = keys["flighting"], f.mode == .flat {
            for key in ["period_budgets", "weekly_max"] where keys[key] != nil {
                throw node.error("is flat (even spend per period), but plan.\(key) needs spend decided per period; use flighting: weekly")
            }
        }
        if !f.periodBudgets.isEmpty || !f.weeklyMax.isEmpty { f.mode = .weekly }
        return f
    }
}
