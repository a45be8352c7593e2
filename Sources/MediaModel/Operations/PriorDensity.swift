import Autodiff
import Foundation

/// Σᵢ log pᵢ(xᵢ) over a node's elements, each with its own prior on its natural scale (constants
/// dropped). `plusLog[i]` adds log xᵢ: the Jacobian when the sampled coordinate is log xᵢ plus a
/// constant (a β prior carried over to the log ROAS that is sampled).
struct PriorDensity: DifferentiableOperation {
    let x: Node, out: Node
    let priors: [Prior]
    let plusLog: [Bool]
    var inputs: [Node] { [x] }
    var outputs: [Node] { [out] }

    func forward(_ w: Workspace) {
        let x = w.value(self.x)
        var total = 0.0
        for i in 0..<priors.count {
            total += priors[i].logDensity(at: x[i]).value
            if plusLog[i] { total += log(x[i]) }
        }
        w.value(out)[0] = total
    }

    func backward(_ w: Workspace) {
        let x = w.value(self.x), xb = w.adjoint(self.x), g = w.adjoint(out)[0]
        for i in 0..<priors.count {
            var d = priors[i].logDensity(at: x[i]).derivative
            if plusLog[i] { d += 1 / x[i] }
            xb[i] += g * d
        }
    }
}

extension ProgramBuilder {
    mutating func priorDensity(_ x: Node, priors: [Prior], plusLog: [Bool]? = nil) -> Node {
        let out = node(1)
        append(PriorDensity(x: x, out: out, priors: priors, plusLog: plusLog ?? Array(repeating: false, count: priors.count)))
        return out
    }
}
