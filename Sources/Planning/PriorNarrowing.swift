import Foundation
import MediaModel

/// Which channels' ROAS the data taught less than the prior did.
///
/// `ChannelSummary.priorNarrowed` is the posterior contraction of log ROAS. For a normal prior
/// and likelihood it equals the data's precision over the sum of the prior's and the data's, so
/// below one half the prior weighs more than the data: the channel's ROAS, and any plan that
/// moves money on it, is mostly the prior's.
public enum PriorNarrowing {
    /// The contraction below which a channel's ROAS is mostly the prior's (0.5).
    public static let mostlyPrior = 0.5

    /// The channels whose ROAS prior the data narrowed by less than `mostlyPrior`.
    public static func mostlyPriorChannels(_ channels: [ChannelSummary]) -> [ChannelSummary] {
        channels.filter { ($0.priorNarrowed ?? 1) < mostlyPrior }
    }

    /// One or two sentences under the fit's channel table.
    public static func note(_ channels: [ChannelSummary]) -> String {
        let weak = mostlyPriorChannels(channels)
        var text = "from data: how much the data narrowed each channel's ROAS prior (1 − posterior ÷ prior variance of log ROAS)."
        if weak.isEmpty {
            text += String(format: " Every channel's is %.0f%% or more: the data outweigh the prior.", 100 * mostlyPrior)
        } else {
            let list = weak.map { String(format: "%@ (%.0f%%)", $0.channel, 100 * max($0.priorNarrowed ?? 0, 0)) }.joined(separator: ", ")
            text += String(format: "\nUnder %.0f%% the prior weighs more than the data: ", 100 * mostlyPrior) + list
                + (weak.count == 1 ? ". Its ROAS is" : ". Their ROAS is") + " mostly the prior's; a lift test would tell."
        }
        return text
    }
}

/// The money a plan moves on channels whose ROAS is mostly the prior's.
public struct PriorReliance: Sendable, Equatable {
    /// The channels the plan changes by 1% of the budget or more whose ROAS prior the data
    /// narrowed by less than `PriorNarrowing.mostlyPrior`, with that share (0…1).
    public var channels: [(name: String, narrowed: Double)]
    /// Their part of the money moved: Σ|plan − current| over them ÷ Σ|plan − current| (0…1).
    public var share: Double

    public static func == (a: PriorReliance, b: PriorReliance) -> Bool {
        a.share == b.share && a.channels.map(\.name) == b.channels.map(\.name) && a.channels.map(\.narrowed) == b.channels.map(\.narrowed)
    }

    /// - Parameters:
    ///   - plan, current: spend per channel over the horizon, `[channels]`.
    ///   - narrowed: `ChannelSummary.priorNarrowed` per channel, `[channels]` (nil: no ROAS prior).
    public init(plan: [Double], current: [Double], narrowed: [Double?], names: [String], budget: Double) {
        let moves = zip(plan, current).map { abs($0 - $1) }
        let total = moves.reduce(0, +)
        let weak = names.indices.filter { (narrowed[$0] ?? 1) < PriorNarrowing.mostlyPrior && moves[$0] >= 0.01 * budget }
        channels = weak.map { (names[$0], narrowed[$0] ?? 1) }
        share = total > 0 ? weak.map { moves[$0] }.reduce(0, +) / total : 0
    }
}

extension PlanRun {
    /// How much of the plan's move rests on channels whose ROAS is mostly the prior's.
    public var priorReliance: PriorReliance {
        let summaries = posterior.channelSummaries()
        let names = posterior.model.data.channels
        // Looked up by name: the problem's channels are the data's for every plan but geo pairs.
        let narrowed = problem.channels.map { name in names.firstIndex(of: name).flatMap { summaries[$0].priorNarrowed } }
        return PriorReliance(plan: allocation, current: currentAllocation, narrowed: narrowed, names: problem.channels, budget: problem.budget)
    }
}
