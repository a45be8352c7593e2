import Foundation
import MediaModel

/// Which channels' ROAS band is mostly the prior's width.
///
/// `ChannelSummary.priorNarrowed` is the posterior contraction of log ROAS. For a normal prior
/// and likelihood it equals the data's precision over the sum of the prior's and the data's, so
/// below one half the prior contributes more to the band's width than the data. It speaks of the
/// width only: a band can be narrow and still miss the truth when curve-shape priors set the
/// level below the spend seen, and two correlated channels can each be wide while their sum is
/// pinned.
public enum PriorNarrowing {
    /// The contraction below which a channel's band is mostly the prior's width (0.5).
    public static let mostlyPrior = 0.5

    /// The channels whose ROAS prior the data narrowed by less than `mostlyPrior`.
    public static func mostlyPriorChannels(_ channels: [ChannelSummary]) -> [ChannelSummary] {
        channels.filter { ($0.priorNarrowed ?? 1) < mostlyPrior }
    }

    /// A contraction or share as printed: "44%", "n/a" without one. Rounded down, not to nearest, so 0.4996 reads "49%" beside "under 50%"
    /// and "at least 42%" is never more than the share (the 1e-9 only absorbs 100 × 0.29 =
    /// 28.999…).
    public static func percent(_ narrowed: Double?) -> String {
        guard let narrowed, narrowed.isFinite else { return "n/a" }
        return String(format: "%.0f%%", (100 * narrowed + 1e-9).rounded(.down))
    }

    /// One or two sentences under the fit's channel table. `quantity` names the return ("ROAS").
    public static func note(_ channels: [ChannelSummary], quantity: String = "ROAS") -> String {
        let weak = mostlyPriorChannels(channels)
        var text = "from data: how much the data narrowed each channel's \(quantity) prior (1 − posterior ÷ prior variance of its log)."
        if weak.isEmpty {
            text += " Every channel with such a prior is at \(percent(mostlyPrior)) or more: the data, more than the prior, set the bands' width."
        } else {
            let list = weak.map { "\($0.channel) (\(percent($0.priorNarrowed)))" }.joined(separator: ", ")
            text += "\nUnder \(percent(mostlyPrior)) the band is mostly the prior's width, not the data's: \(list); a lift test would tell."
        }
        return text
    }
}

/// The money a plan moves on channels whose ROAS band is mostly the prior's width.
public struct PriorReliance: Sendable, Equatable {
    /// The channels the plan changes by 1% of the budget or more whose ROAS prior the data
    /// narrowed by less than `PriorNarrowing.mostlyPrior`, with that contraction.
    public var channels: [(name: String, narrowed: Double)]
    /// The least share of the money moved that comes out of or goes into those channels: the
    /// larger of their share of the cuts and their share of the increases (0…1). Which cut pays
    /// for which increase is not defined, so no exact share is.
    public var share: Double

    public static func == (a: PriorReliance, b: PriorReliance) -> Bool {
        a.share == b.share && a.channels.map(\.name) == b.channels.map(\.name) && a.channels.map(\.narrowed) == b.channels.map(\.narrowed)
    }

    /// - Parameters:
    ///   - plan, current: spend per channel over the horizon, `[channels]`.
    ///   - narrowed: `ChannelSummary.priorNarrowed` per channel, `[channels]` (nil: no ROAS prior).
    public init(plan: [Double], current: [Double], narrowed: [Double?], names: [String], budget: Double) {
        let change = zip(plan, current).map { $0 - $1 }
        let weak = names.indices.filter { (narrowed[$0] ?? 1) < PriorNarrowing.mostlyPrior && abs(change[$0]) >= 0.01 * budget }
        channels = weak.map { (names[$0], narrowed[$0] ?? 1) }
        func part(_ side: (Double) -> Bool) -> Double {
            let all = change.filter(side).map(abs).reduce(0, +)
            return all > 0 ? weak.map { change[$0] }.filter(side).map(abs).reduce(0, +) / all : 0
        }
        share = max(part { $0 < 0 }, part { $0 > 0 })
    }
}

extension PlanRun {
    /// How much of the plan's move involves channels whose ROAS band is mostly the prior's width.
    public var priorReliance: PriorReliance {
        insights.reliance { Self.relianceOnPrior(self) }
    }

    static func relianceOnPrior(_ run: PlanRun) -> PriorReliance {
        let (posterior, problem) = (run.posterior, run.problem)
        let summaries = posterior.channelSummaries()
        let names = posterior.model.data.channels
        // Looked up by name: the problem's channels are the data's for every plan but geo pairs.
        let narrowed = problem.channels.map { name in names.firstIndex(of: name).flatMap { summaries[$0].priorNarrowed } }
        return PriorReliance(plan: run.allocation, current: run.currentAllocation, narrowed: narrowed, names: problem.channels, budget: problem.budget)
    }

    /// The plan's sentence on `priorReliance` ("" when no such channel moves).
    public var priorRelianceSentence: String {
        let r = priorReliance
        guard !r.channels.isEmpty else { return "" }
        let list = r.channels.map { "\($0.name) \(PriorNarrowing.percent($0.narrowed))" }.joined(separator: ", ")
        let lead = r.share >= 1 - 1e-9 ? "All the money" : "At least \(PriorNarrowing.percent(r.share)) of the money"
        return "\(lead) the plan moves comes out of or goes into channels whose ROAS band is mostly the prior's width "
            + "(from data: \(list); under \(PriorNarrowing.percent(PriorNarrowing.mostlyPrior)) the prior sets more of the width than the data). "
            + "A lift test there would tell (see the experiment ranking)."
    }
}
