import Autodiff
import Foundation

/// Time-varying media effects: out[c, t] = x[c, t]·m[k, t] for the channels that vary (row k of
/// the multiplier belongs to channel `channelOfRow[k]`), x[c, t] for the rest, where
///
///     m[k, t] = exp(f[k, t]) / meanₜ exp(f[k, t])
///
/// is a positive multiplier with mean 1 over the data, from a log-multiplier f `[rows, length]`.
/// The mean-1 normalization keeps β the value of a saturated week at the channel's average
/// effectiveness, so ROAS priors and lift tests keep their meaning.
struct EffectivenessOperation: DifferentiableOperation {
    let logMultiplier: Node, input: Node
    /// `[channels, length]`.
    let out: Node
    /// The multiplier m, `[rows, length]` (read by the decomposition; its adjoint flows back too).
    let multiplier: Node
    let channelOfRow: [Int]
    /// The channels that keep a constant effect.
    let constantChannels: [Int]
    let length: Int
    var inputs: [Node] { [logMultiplier, input] }
    var outputs: [Node] { [out, multiplier] }

    func forward(_ w: Workspace) {
        let f = w.value(logMultiplier), x = w.value(input), o = w.value(out), m = w.value(multiplier)
        let T = length
        o.update(from: x, count: out.count)
        for (k, c) in channelOfRow.enumerated() {
            let fk = f + k * T, mk = m + k * T
            // Shifted by the row's largest value so exp never overflows.
            var top = -Double.infinity
            for t in 0..<T { top = max(top, fk[t]) }
            var total = 0.0
            for t in 0..<T { mk[t] = exp(fk[t] - top); total += mk[t] }
            let scale = Double(T) / total
            let xc = x + c * T, oc = o + c * T
            for t in 0..<T { mk[t] *= scale; oc[t] = xc[t] * mk[t] }
        }
    }

    func backward(_ w: Workspace) {
        let x = w.value(input), m = w.value(multiplier)
        let g = w.adjoint(out), mBar = w.adjoint(multiplier), xBar = w.adjoint(input), fBar = w.adjoint(logMultiplier)
        let T = length
        for (k, c) in channelOfRow.enumerated() {
            let gc = g + c * T, xc = x + c * T, mk = m + k * T, mb = mBar + k * T, xb = xBar + c * T, fb = fBar + k * T
            // a_t = ∂out/∂m_t; ∂m_t/∂f_s = m_t(δ_ts − m_s/T).
            var weighted = 0.0
            for t in 0..<T {
                let a = gc[t] * xc[t] + mb[t]
                weighted += a * mk[t]
                xb[t] += gc[t] * mk[t]
            }
            let mean = weighted / Double(T)
            for t in 0..<T { fb[t] += mk[t] * (gc[t] * xc[t] + mb[t] - mean) }
        }
        for c in constantChannels {
            VectorKernels.add(g + c * T, to: xBar + c * T, count: T)
        }
    }
}

extension ProgramBuilder {
    /// Each varying channel's rows of `input` (`[channels, length]`) times its mean-1 multiplier
    /// exp(f)/mean exp(f), f `[rows, length]`; returns the modulated input and the multiplier.
    mutating func effectiveness(_ input: Node, logMultiplier: Node, channelOfRow: [Int], length: Int) -> (out: Node, multiplier: Node) {
        precondition(logMultiplier.count == channelOfRow.count * length)
        let out = node(input.count), multiplier = node(logMultiplier.count)
        append(EffectivenessOperation(logMultiplier: logMultiplier, input: input, out: out, multiplier: multiplier,
                                      channelOfRow: channelOfRow,
                                      constantChannels: (0..<(input.count / length)).filter { !channelOfRow.contains($0) }, length: length))
        return (out, multiplier)
    }
}
