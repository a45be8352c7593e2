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
