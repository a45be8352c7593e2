import Foundation
import MediaModel
import Sampling

extension ConvergenceReport {
    /// The verdict on a posterior at hand (a fit just made or read back from the cache).
    public init(posterior: Posterior) {
        let summaries = posterior.quantities().map { ParameterSummary(posterior.byChain($0.values)) }
        self.init(result: posterior.sampling, summaries: summaries)
    }

    /// One line users read before trusting a fit: the figures, then "converged" or what failed.
    public var verdict: String {
        let figures = String(format: "max R-hat %.3f, min bulk ESS %.0f, min tail ESS %.0f, divergences %d, min E-BFMI %.2f",
                             maxRHat, minBulkESS, minTailESS, divergences, minEBFMI)
        return "Convergence: " + figures + (converged ? " — converged." : " — NOT converged: " + warnings.joined(separator: "; ") + ".")
    }

    /// Refuses to plan on a fit that failed its checks, unless the user accepts it.
    /// - Throws: `InputError` (.configuration, exit 78) naming what failed and the ways out.
    public func requireConverged(_ scenario: Scenario, allowUnconverged: Bool) throws {
        guard !converged, !allowUnconverged else { return }
        throw InputError(.configuration, "\(scenario.file): the fit did not converge (\(warnings.joined(separator: "; "))); "
            + "a plan on it could be wrong. Raise sampler.warmup and sampler.draws, or pass --allow-unconverged to plan anyway (every output is then marked)")
    }

    /// The files of a run on an unconverged fit, each marked as such: a first comment line in
    /// every CSV (readers that skip `#` lines, as for Stan's files, read the rest unchanged) and
    /// an `UNCONVERGED.txt` beside them. Unchanged when the fit converged.
    public func marking(_ files: [(name: String, contents: String)]) -> [(name: String, contents: String)] {
        guard !converged else { return files }
        let note = "UNCONVERGED FIT (planned with --allow-unconverged): " + warnings.joined(separator: "; ")
        return files.map { file in
            file.name.hasSuffix(".csv") ? (file.name, "# " + note.replacingOccurrences(of: "\n", with: " ") + "\n" + file.contents) : file
        } + [("UNCONVERGED.txt", note + "\n" + verdict + "\n")]
    }
}
