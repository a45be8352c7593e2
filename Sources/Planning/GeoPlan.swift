import BudgetOptimization
import Foundation
import MediaModel

/// A geo fit's plan seen per (geo, channel) pair: what each pair spends and earns. With
/// `plan.by_geo` the optimizer chose the pairs' budgets; without it each channel's total was split
/// across geos as its recent spend was.
public struct GeoPlan: Sendable {
    /// Geo and channel names of each pair, `[pairs]` (the model's rows).
    public let geos: [String]
    public let channels: [String]
    /// The problem over pairs (named "geo/channel") and the plan's figures on it.
    public let problem: PlanProblem
    public let allocation: [Double]
    public let evaluation: PlanEvaluation
    /// KKT conditions across pairs (by_geo plans).
    public let optimality: OptimalityReport
    /// Every pair's curve, `[pairs]`.
    let pairCurves: [any ChannelResponse]

    /// The pairs of a geo fit as a budget problem: every pair's own curve and the total budget; with
    /// `grouped`, `plan.bounds` bound each channel's total over its geos and `plan.geo_bounds` each
    /// geo's total over its channels.
    /// - Parameter curves: every pair's curve, `[rows]` (`Posterior.pairCurves`).
    static func problem(_ scenario: Scenario, model: MediaMixModel, curves: [any ChannelResponse], budget: Double,
                        grouped: Bool = false) throws -> PlanProblem {
        let data = model.data
        let names = model.rows.map { "\(data.geos[$0.geo])/\(data.channels[$0.channel])" }
        var groups: [SpendGroup] = []
        if grouped {
            for (c, name) in data.channels.enumerated() {
                guard let bound = scenario.plan.bounds[name] else { continue }
                groups.append(SpendGroup(members: model.rows.indices.filter { model.rows[$0].channel == c },
                                         lower: bound.min, upper: bound.max, label: name))
            }
            for (g, name) in data.geos.enumerated() {
                guard let bound = scenario.plan.geoBounds[name] else { continue }
                groups.append(SpendGroup(members: model.rows.indices.filter { model.rows[$0].geo == g },
                                         lower: bound.min, upper: bound.max, label: "geo \(name)"))
            }
        }
        do {
            return try PlanProblem(channels: names, responses: curves,
                                     budget: budget, objective: scenario.plan.objective, groups: groups)
        } catch let error as BudgetError {
            throw InputError(.configuration, "\(scenario.file): plan: \(error.description)")
        }
    }

    /// Each channel's budget split across its geos in `shares` (`[pairs]`, summing to 1 per channel).
    static func pairs(of channelPlan: [Double], model: MediaMixModel, shares: [Double]) -> [Double] {
        model.rows.enumerated().map { r, row in channelPlan[row.channel] * shares[r] }
    }

    /// Each pair's share of its channel in the last `horizon` periods' spend (whole history when
    /// those are empty), `[pairs]`.
    static func recentShares(model: MediaMixModel, horizon: Int) -> [Double] {
        let data = model.data
        var recent = model.rows.map { data.spend(geo: $0.geo, channel: $0.channel).suffix(horizon).reduce(0, +) }
        let whole = model.rows.map { data.spend(geo: $0.geo, channel: $0.channel).reduce(0, +) }
        for c in data.channels.indices {
            let rows = model.rows.indices.filter { model.rows[$0].channel == c }
            if !(rows.reduce(0.0) { $0 + recent[$1] } > 0) { for r in rows { recent[r] = whole[r] } }
        }
        return model.rows.indices.map { r in
            let c = model.rows[r].channel
            let total = model.rows.indices.filter { model.rows[$0].channel == c }.reduce(0.0) { $0 + recent[$1] }
            return total > 0 ? recent[r] / total : 0
        }
    }

    init(problem: PlanProblem, curves: [any ChannelResponse], model: MediaMixModel, allocation: [Double], interval: Double) {
        self.problem = problem
        pairCurves = curves
        geos = model.rows.map { model.data.geos[$0.geo] }
        channels = model.rows.map { model.data.channels[$0.channel] }
        self.allocation = allocation
        evaluation = PlanEvaluation(problem, plan: allocation, interval: interval)
        optimality = OptimalityReport(problem, plan: allocation, gradient: evaluation.objectiveGradient)
    }

    /// Each channel's curve with its budget split across geos in this plan's proportions,
    /// `[channels]`: what the plan's summary, what-ifs and report read.
    func channelResponses(model: MediaMixModel) -> [any ChannelResponse] {
        model.data.channels.indices.map { c in
            let rows = model.rows.indices.filter { model.rows[$0].channel == c }
            let total = rows.reduce(0.0) { $0 + allocation[$1] }
            let shares = rows.map { total > 0 ? allocation[$0] / total : 1 / Double(rows.count) }
            return SplitResponse(parts: rows.map { pairCurves[$0] }, shares: shares)
        }
    }
}
