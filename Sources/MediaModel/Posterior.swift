import Autodiff
import Sampling

/// A fitted media-mix model: the model, the sampler's output, and every draw decomposed into
/// the data's units.
public struct Posterior: Sendable {
    public let model: MediaMixModel
    public let sampling: SamplingResult
    /// One decomposition per kept draw, chains in order, `[draws]`.
    public let draws: [Decomposition]
    /// Unconstrained draws, `[draws][dimension]`, in the same order.
    public let unconstrainedDraws: [[Double]]
    /// Each draw's curve per channel, `[draws][channels]`: what response curves and lift answers read.
    let curves: [[ChannelCurve]]
    /// When the family was chosen by PSIS-LOO and no model dominated, the stacked
    /// posteriors that plans are made on (this posterior is then the best model's); nil otherwise.
    public var stack: PosteriorStack?

    /// Samples the model with NUTS, starting every chain near the prior's centre (the
    /// configuration's own initial points win when given).
    public init(model: MediaMixModel, configuration: SamplerConfiguration,
                progress: (@Sendable (SamplingProgress) -> Void)? = nil) throws {
        var config = configuration
        if config.initialPoints == nil {
            config.initialPoints = model.initialPoints(chains: config.chains, seed: config.seed)
        }
        self.init(model: model, sampling: try NUTSSampler(configuration: config).sample(model, progress: progress))
    }

    /// A posterior from draws already sampled (a stored fit).
    public init(model: MediaMixModel, sampling result: SamplingResult) {
        self.model = model
        sampling = result
        unconstrainedDraws = result.chains.flatMap { chain in
            (0..<chain.drawCount).map { Array(chain.draws[($0 * chain.dimension)..<(($0 + 1) * chain.dimension)]) }
        }
        // One workspace, one forward pass per draw for everything read from it.
        let w = model.makeWorkspace()
        var draws: [Decomposition] = [], curves: [[ChannelCurve]] = []
        draws.reserveCapacity(unconstrainedDraws.count)
        curves.reserveCapacity(unconstrainedDraws.count)
        for theta in unconstrainedDraws {
            draws.append(model.decompose(theta, in: w))
            curves.append(model.channelCurves(in: w))
        }
        self.draws = draws
        self.curves = curves
    }

    public var drawCount: Int { draws.count }

    /// Each observation's log-likelihood under every draw, `[draws][periods]` (normalized, in the
    /// model's scaled units): what PSIS-LOO compares models by.
    public func pointwiseLogLikelihood() -> [[Double]] {
        let w = model.makeWorkspace()
        return unconstrainedDraws.map { theta in
            model.run(theta, in: w)
            return w.read(model.nodes.pointwiseLogLikelihood)
        }
    }

    /// Total contribution of channel c over the data period per draw, `[draws]`, target units.
    public func totalContribution(channel c: Int) -> [Double] {
        draws.map { $0.contributions[c].reduce(0, +) }
    }

    /// ROAS of channel c over the data period per draw, `[draws]`.
    public func roas(channel c: Int) -> [Double] {
        let spend = model.data.totalSpend[c]
        return totalContribution(channel: c).map { $0 / spend }
    }

    /// Draws of one quantity split back into chains, `[chains][draws per chain]`, for diagnostics.
    public func byChain(_ values: [Double]) -> [[Double]] {
        let perChain = sampling.configuration.draws
        return stride(from: 0, to: values.count, by: perChain).map { Array(values[$0..<min($0 + perChain, values.count)]) }
    }
}

/// One draw's curve of one channel: normalized carry weights (`[maxLag]`) and the saturation
/// family's constrained parameters (`[K]`).
struct ChannelCurve: Sendable {
    var weights: [Double]
    var saturation: [Double]
}

extension MediaMixModel {
    /// Each channel's first row in `rows`, `[channels]` (the channel's own index for national data).
    var channelRows: [Int] { data.channels.indices.map { c in rows.firstIndex { $0.channel == c }! } }

    /// The curves of the draw last run in `w`, `[channels]`.
    func channelCurves(in w: Workspace) -> [ChannelCurve] {
        let L = specification.maxLag
        let raw = w.value(nodes.adstockWeights), totals = w.value(nodes.adstockTotals)
        // Curve shapes are shared by a channel's geos: its first row holds them.
        return channelRows.map { r in
            ChannelCurve(weights: (0..<L).map { raw[r * L + $0] / totals[r] },
                         saturation: nodes.saturationParameters.map { w.read($0, rows[r].channel) })
        }
    }
}
