import Foundation
import MediaModel
import ModelComparison

/// Candidate models of the same data compared by PSIS-LOO, with stacking and pseudo-BMA+ weights
/// and the decision a plan follows: the best model alone when it dominates, else the candidates'
/// posteriors mixed by the weights of the chosen averaging.
public struct FamilyComparison: Sendable, Codable {
    public struct Row: Sendable, Codable {
        /// `saturation+adstock`, e.g. `hill+geometric`.
        public var model: String
        public var saturation: SaturationKind
        public var adstock: AdstockKind
        public var elpd: Double
        public var standardError: Double
        /// elpd − best elpd (0 for the best, negative otherwise).
        public var delta: Double
        /// Standard error of that difference, from the pointwise differences (0 for the best).
        public var deltaStandardError: Double
        public var effectiveParameters: Double
        /// The weight plans use: the chosen averaging's (`model.averaging`).
        public var weight: Double
        public var stackingWeight: Double
        public var pseudoBMAWeight: Double
        /// Observations whose k̂ exceeds the threshold for this many draws.
        public var badParetoK: Int
        /// Whether plans use this model's draws.
        public var chosen: Bool
    }

    /// Best first.
    public var rows: [Row]
    /// True when plans mix the candidates' posteriors by their weights; false when the best model alone.
    public var stacked: Bool
    /// The k̂ threshold the warnings used.
    public var paretoThreshold: Double

    /// How `weight` was computed.
    public var averaging: ModelAveraging
    /// Mixed families other than the best whose fits fail the convergence checks (set by the fit
    /// that made the comparison; empty by default).
    public var unconvergedInMix: [String] = []

    /// The best model's weight from which it alone is planned with: the other models would then
    /// supply under a tenth of the draws.
    public static let dominance = 0.9
    /// Models below this weight are left out of the stack (their few draws add noise, not risk).
    public static let negligibleWeight = 0.02

    /// - Parameters:
    ///   - models: each candidate's families and pointwise log-likelihood, `[draws][observations]`.
    ///   - relativeEfficiency: each candidate's ESS / draws.
    ///   - averaging: which weights plans use when no model dominates (default pseudo-BMA+).
    public init(models: [(saturation: SaturationKind, adstock: AdstockKind, logLikelihood: [[Double]], relativeEfficiency: Double)],
                averaging: ModelAveraging = .pseudoBMA) {
        let loos = models.map { LeaveOneOut(logLikelihood: $0.logLikelihood, relativeEfficiency: $0.relativeEfficiency) }
        let stacking = Stacking.weights(pointwise: loos.map(\.pointwise))
        let pseudoBMA = PseudoBMA.weights(pointwise: loos.map(\.pointwise))
        let weights = averaging == .stacking ? stacking : pseudoBMA
        self.averaging = averaging
        let best = loos.indices.max { loos[$0].elpd < loos[$1].elpd }!
        stacked = weights[best] < Self.dominance
        paretoThreshold = ParetoSmoothing.threshold(draws: loos[best].draws)
        var rows = loos.indices.map { k in
            let differences = zip(loos[k].pointwise, loos[best].pointwise).map { $0 - $1 }
            let n = Double(differences.count), mean = differences.reduce(0, +) / n
            let variance = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(n - 1, 1)
            return Row(model: "\(models[k].saturation.rawValue)+\(models[k].adstock.rawValue)", saturation: models[k].saturation,
                       adstock: models[k].adstock, elpd: loos[k].elpd, standardError: loos[k].standardError,
                       delta: loos[k].elpd - loos[best].elpd, deltaStandardError: (n * variance).squareRoot(),
                       effectiveParameters: loos[k].effectiveParameters, weight: weights[k], stackingWeight: stacking[k], pseudoBMAWeight: pseudoBMA[k], badParetoK: loos[k].badParetoK,
                       chosen: k == best)
        }
        // The best model always supplies draws: the verdict and tables the fit reports are its.
        if stacked { for k in rows.indices { rows[k].chosen = k == best || rows[k].weight >= Self.negligibleWeight } }
        self.rows = rows.sorted { $0.elpd > $1.elpd }
    }

    /// The rows whose draws plans use, with their weights renormalized.
    public var planWeights: [(model: String, weight: Double)] {
        let used = rows.filter(\.chosen)
        let total = used.reduce(0) { $0 + $1.weight }
        return used.map { ($0.model, stacked ? $0.weight / total : 1) }
    }

    /// One sentence saying what plans are made with.
    public var decision: String {
        if !stacked {
            return String(format: "%@ dominates (%@ weight %.2f ≥ %.2f): plans use its posterior alone", rows[0].model, averaging.label, rows[0].weight, Self.dominance)
        }
        return "no model dominates: plans mix the posteriors by \(averaging.label) weights (" + planWeights.map { String(format: "%@ %.0f%%", $0.model, 100 * $0.weight) }.joined(separator: ", ") + " of the draws)"
            + (unconvergedInMix.isEmpty ? "" : "; of these, " + unconvergedInMix.joined(separator: ", ") + " failed the convergence checks (longer chains would settle them)")
    }

    /// `model_comparison.csv`: `model,elpd_loo,se,delta,weight,pareto_k_bad,chosen,stacking_weight,pseudo_bma_weight`
    /// (`weight` is the one plans use).
    public func csv() -> String {
        var lines = ["model,elpd_loo,se,delta,weight,pareto_k_bad,chosen,stacking_weight,pseudo_bma_weight"]
        for r in rows {
            lines.append([r.model, csvNumber(r.elpd), csvNumber(r.standardError), csvNumber(r.delta), csvNumber(r.weight),
                          String(r.badParetoK), r.chosen ? "true" : "false", csvNumber(r.stackingWeight),
                          csvNumber(r.pseudoBMAWeight)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ModelAveraging {
    /// The name printed in sentences and table headers.
    public var label: String { self == .stacking ? "stacking" : "pseudo-BMA+" }
}
