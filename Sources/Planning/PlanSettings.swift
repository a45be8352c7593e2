import BudgetOptimization
import Foundation

/// The scenario's `plan` block.
public struct PlanSettings: Sendable {
    /// Periods planned (default 13: a quarter of weeks).
    public var horizon = 13
    /// First planned period's date (default: the period after the data's last).
    public var start: String?
    /// Total over the horizon (default: the last `horizon` periods' spend).
    public var budget: Double?
    /// Per-channel [min, max] totals over the horizon.
    public var bounds: [String: (min: Double, max: Double)] = [:]
    public var objective: PlanObjective = .mean
    public var optimizer: OptimizerChoice = .auto
    /// Width of the risk bands (0.90 gives p05 and p95).
    public var interval = 0.90
    /// Geo data: allocate the budget per (geo, channel) pair instead of per channel (default false).
    public var byGeo = false
    /// Geo data with `byGeo`: per-geo [min, max] totals over the horizon, by geo name.
    public var geoBounds: [String: (min: Double, max: Double)] = [:]
    /// Plans over time: flighting, period budgets, weekly caps, carry-in (FlightingSettings.swift).
    public var flighting = FlightingSettings()

    public init() {}
}

/// A what-if: move an amount from one channel to another.
public struct WhatIf: Sendable {
    public var name: String
    public var amount: Double
    public var from: String
    public var to: String

    public init(name: String, amount: Double, from: String, to: String) {
        self.name = name; self.amount = amount; self.from = from; self.to = to
    }
}

extension Scenario {
    static func parsePlan(_ node: YAMLValue, channels: [String]) throws -> PlanSettings {
        var plan = PlanSettings()
        let keys = try node.mapping(allowed: ["horizon", "start", "budget", "bounds", "objective", "optimizer", "interval", "by_geo", "geo_bounds"] + flightingKeys)
        if let h = keys["horizon"] {
            plan.horizon = try h.int()
            guard (1...520).contains(plan.horizon) else { throw h.error("expected 1 to 520 periods, got \(plan.horizon)") }
        }
        if let s = keys["start"] {
            let text = try s.string()
            guard DatasetLoader.isoDay(text) != nil else { throw s.error("'\(text)' is not an ISO date (expected YYYY-MM-DD)") }
            plan.start = text
        }
        if let b = keys["budget"] {
            let value = try amount(b)
            guard value > 0 else { throw b.error("a budget of 0 plans nothing; expected a positive total over the horizon, or leave budget out to use the last horizon's spend") }
            plan.budget = value
        }
        if let bounds = keys["bounds"] {
            for (channel, value) in try bounds.entries() {
                guard channels.contains(channel) else {
                    throw value.error("unknown channel '\(channel)'\(suggestion(channel, in: channels)); channels are \(channels.joined(separator: ", "))")
                }
                guard case .sequence(let seq) = value.node, seq.count == 2 else { throw value.error("expected [min, max], e.g. [1M, 5M]") }
                let lo = try amount(YAMLValue(node: seq[0], path: value.path + "[0]", file: value.file))
                let hi = try amount(YAMLValue(node: seq[1], path: value.path + "[1]", file: value.file))
                guard lo <= hi else { throw value.error("minimum \(lo) is above maximum \(hi)") }
                plan.bounds[channel] = (lo, hi)
            }
        }
        if let o = keys["objective"] {
            if o.isMapping {
                let entries = try o.mapping(allowed: ["mean_minus_sd", "cvar", "cvar_uplift"])
                // An empty or double mapping would silently mean one objective or the other.
                guard entries.count == 1 else {
                    throw o.error(entries.isEmpty ? "names no objective; expected mean, {mean_minus_sd: 0.5}, {cvar: 0.1} or {cvar_uplift: 0.1}"
                        : "names \(entries.count) objectives; expected one of {mean_minus_sd: 0.5}, {cvar: 0.1} or {cvar_uplift: 0.1}")
                }
                if let l = entries["mean_minus_sd"] {
                    let lambda = try l.double()
                    guard lambda >= 0, lambda <= 100 else { throw l.error("expected λ from 0 to 100, got \(lambda)") }
                    plan.objective = .meanMinusSD(lambda: lambda)
                } else if let a = entries["cvar"] {
                    let alpha = try a.double()
                    // Below 1e-4 the tail holds less than one draw of any sensible fit.
                    guard alpha >= 1e-4, alpha <= 1 else { throw a.error("expected a share of draws from 0.0001 to 1, e.g. 0.1, got \(alpha)") }
                    plan.objective = .cvar(alpha: alpha)
                } else if let a = entries["cvar_uplift"] {
                    let alpha = try a.double()
                    guard alpha >= 1e-4, alpha <= 1 else { throw a.error("expected a share of draws from 0.0001 to 1, e.g. 0.1, got \(alpha)") }
                    // The baseline (the current mix's revenue per draw) is set once the fit is at hand.
                    plan.objective = .cvarUplift(alpha: alpha, baseline: [])
                }
            } else {
                let text = try o.string()
                guard text == "mean" else {
                    throw o.error("unknown objective '\(text)'; expected mean, {mean_minus_sd: 0.5}, {cvar: 0.1} or {cvar_uplift: 0.1}")
                }
            }
        }
        if let o = keys["optimizer"] { plan.optimizer = try choice(o, OptimizerChoice.self) }
        if let g = keys["by_geo"] { plan.byGeo = try g.bool() }
        if let bounds = keys["geo_bounds"] {
            // Geo names are checked against the data when the plan is made.
            for (geo, value) in try bounds.entries() {
                guard case .sequence(let seq) = value.node, seq.count == 2 else { throw value.error("expected [min, max], e.g. [0, 2M]") }
                let lo = try amount(YAMLValue(node: seq[0], path: value.path + "[0]", file: value.file))
                let hi = try amount(YAMLValue(node: seq[1], path: value.path + "[1]", file: value.file))
                guard lo <= hi else { throw value.error("minimum \(lo) is above maximum \(hi)") }
                plan.geoBounds[geo] = (lo, hi)
            }
        }
        if let i = keys["interval"] {
            plan.interval = try i.double()
            guard plan.interval > 0, plan.interval < 1 else { throw i.error("expected a width between 0 and 1, e.g. 0.90") }
        }
        plan.flighting = try parseFlighting(keys, horizon: plan.horizon, channels: channels)
        return plan
    }

    static func parseWhatIfs(_ node: YAMLValue, channels: [String]) throws -> [WhatIf] {
        guard case .sequence(let seq) = node.node else { throw node.error("expected a list of what-ifs (- name: …, move: {amount, from, to})") }
        return try seq.enumerated().map { i, n in
            let item = YAMLValue(node: n, path: "\(node.path)[\(i)]", file: node.file)
            let keys = try item.mapping(allowed: ["name", "move"])
            guard let moveNode = keys["move"] else { throw item.error("missing 'move: {amount, from, to}'") }
            let move = try moveNode.mapping(allowed: ["amount", "from", "to"])
            guard let a = move["amount"], let f = move["from"], let t = move["to"] else {
                throw moveNode.error("a move needs amount, from and to")
            }
            let from = try f.string(), to = try t.string()
            for (name, v) in [(from, f), (to, t)] where !channels.contains(name) {
                throw v.error("unknown channel '\(name)'\(suggestion(name, in: channels)); channels are \(channels.joined(separator: ", "))")
            }
            guard from != to else { throw t.error("a move from '\(from)' to itself changes nothing; name two different channels") }
            let amountValue = try amount(a)
            let name = try keys["name"]?.string() ?? "Move \(a.scalarText) from \(from) to \(to)"
            return WhatIf(name: name, amount: amountValue, from: from, to: to)
        }
    }

    static func amount(_ node: YAMLValue) throws -> Double {
        guard case .scalar(let s) = node.node, let value = parseAmount(s.string) else {
            throw node.error("'\(node.scalarText)' is not an amount (\(amountExpectation))")
        }
        return value
    }
}
