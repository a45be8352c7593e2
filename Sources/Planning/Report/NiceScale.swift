import Foundation

/// A linear axis scale whose ticks fall on round numbers (1, 2 or 5 times a power of ten), so
/// a reader can interpolate between them.
struct NiceScale {
    let lower: Double
    let upper: Double
    let step: Double

    /// - Parameters:
    ///   - low, high: the data's range (any order; equal values get a little room).
    ///   - ticks: about how many intervals to show.
    init(_ low: Double, _ high: Double, ticks: Int = 5) {
        var lo = min(low, high), hi = max(low, high)
        if !lo.isFinite || !hi.isFinite { lo = 0; hi = 1 }
        if hi - lo < 1e-12 * max(abs(hi), 1) {
            let pad = abs(hi) > 0 ? abs(hi) * 0.1 : 1
            lo -= pad; hi += pad
        }
        let step = NiceScale.niceStep((hi - lo) / Double(max(ticks, 1)))
        self.step = step
        lower = (lo / step).rounded(.down) * step
        upper = (hi / step).rounded(.up) * step
    }

    /// The tick values from `lower` to `upper`.
    var ticks: [Double] {
        let n = Int(((upper - lower) / step).rounded())
        return (0...max(n, 0)).map { lower + Double($0) * step }
    }

    /// 1, 2 or 5 × 10^k, the smallest at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 5, 10] where m * power >= raw * (1 - 1e-9) { return m * power }
        return 10 * power
    }
}
