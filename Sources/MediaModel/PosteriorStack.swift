import Foundation

/// Posteriors of several models of the same data mixed by weights (pseudo-BMA+ or stacking): a plan made on it
/// reads each model's draws in proportion to its weight, so a family the data cannot rule out
/// still shapes the plan's risk.
public struct PosteriorStack: Sendable {
    /// The models' posteriors and their weights (summing to 1), `[models]`.
    public let components: [Posterior]
    public let weights: [Double]
    /// Which draws of each component the stack keeps, `[models][kept draws]`.
    public let drawIndices: [[Int]]
    /// Components other than the first (the best model, whose verdict the fit reports) whose fits
    /// fail the convergence checks, as `saturation+adstock` (default none).
    public var unconverged: [String] = []

    /// Keeps about weightₖ × `drawCount` draws of model k, evenly spaced through its chains; the
    /// counts add up to `drawCount`.
    public init(components: [Posterior], weights: [Double], drawCount: Int) {
        precondition(components.count == weights.count && !components.isEmpty)
        self.components = components
        self.weights = weights
        drawIndices = zip(components, Self.drawCounts(weights: weights, total: drawCount)).map { posterior, n in
            (0..<n).map { $0 * posterior.drawCount / max(n, 1) }
        }
    }

    /// The models and their shares of the draws, e.g. `hill+geometric 62%, logistic+weibull 38%`.
    public var summary: String {
        zip(components, drawIndices).map { posterior, kept in
            let spec = posterior.model.specification
            return "\(spec.saturation.rawValue)+\(spec.adstock.rawValue) \(Int((100 * Double(kept.count) / Double(max(drawIndices.joined().count, 1))).rounded()))%"
        }.joined(separator: ", ")
    }

    /// Draws per model: weightₖ × `total` rounded by largest remainders, so they add up to `total`.
    static func drawCounts(weights: [Double], total: Int) -> [Int] {
        let raw = weights.map { $0 * Double(total) }
        var counts = raw.map { Int($0.rounded(.down)) }
        let order = raw.indices.sorted { raw[$0] - Double(counts[$0]) > raw[$1] - Double(counts[$1]) }
        for k in order.prefix(total - counts.reduce(0, +)) { counts[k] += 1 }
        return counts
    }

    /// A per-draw quantity over the stack's draws, models one after another: `value` gives it
    /// for every draw of one model, `[draws]`.
    public func mixed(_ value: (Posterior) -> [Double]) -> [Double] {
        zip(components, drawIndices).flatMap { posterior, kept in
            let all = value(posterior)
            return kept.map { all[$0] }
        }
    }

    /// Every channel's response curve with the stack's draws, models one after another.
    public func responseCurves(horizon: Int, gap: Int = 0) -> [ResponseCurve] {
        let perModel = components.map { $0.responseCurves(horizon: horizon, gap: gap) }
        return perModel[0].indices.map { c in
            ResponseCurve(mixing: perModel.map { $0[c] }, draws: drawIndices)
        }
    }
}

extension ResponseCurve {
    /// One curve made of the draws `draws[k]` of each curve `curves[k]` (the same channel under
    /// different models; the families may differ, the horizon and carryover length may not).
    init(mixing curves: [ResponseCurve], draws: [[Int]]) {
        let parts = zip(curves, draws).filter { !$1.isEmpty }.map { $0.subset($1) }
        channel = curves[0].channel
        horizon = curves[0].horizon
        periods = curves[0].periods
        spendScale = curves[0].spendScale
        beta = parts.flatMap(\.beta)
        response = MixedFlightResponse(parts: parts.map(\.response))
    }
}

/// Several flight responses over consecutive blocks of draws.
struct MixedFlightResponse: FlightResponse {
    let parts: [any FlightResponse]
    var drawCount: Int { parts.reduce(0) { $0 + $1.drawCount } }

    func evaluate(x: Double, values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>) {
        var offset = 0
        for part in parts {
            part.evaluate(x: x, values: values + offset, slopes: slopes + offset)
            offset += part.drawCount
        }
    }

    func subset(_ indices: [Int]) -> any FlightResponse {
        // Draw i of the mixture is draw i − start of the part holding it.
        var starts: [Int] = [], total = 0
        for part in parts { starts.append(total); total += part.drawCount }
        var pieces: [any FlightResponse] = []
        var current: (part: Int, local: [Int])? = nil
        for i in indices {
            let p = starts.lastIndex { $0 <= i }!
            if current?.part == p { current!.local.append(i - starts[p]) } else {
                if let c = current { pieces.append(parts[c.part].subset(c.local)) }
                current = (p, [i - starts[p]])
            }
        }
        if let c = current { pieces.append(parts[c.part].subset(c.local)) }
        return MixedFlightResponse(parts: pieces)
    }
}
