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

    /// The files of a run on an unconverged fit, marked as such where a reader looks: a banner at
    /// the top of every HTML page and an `UNCONVERGED.txt` beside them. CSVs stay as they are, so
    /// their first line is their header for every reader (`csv.DictReader`, pandas,
    /// spreadsheets). Unchanged when the fit converged.
    /// - Parameter folder: where `UNCONVERGED.txt` goes, as a prefix of the files' names ("" for
    ///   the top; nil for none, when these files sit in a folder that has it already).
    public func marking(_ files: [(name: String, contents: String)], markerIn folder: String? = "") -> [(name: String, contents: String)] {
        guard !converged else { return files }
        let note = "UNCONVERGED FIT (planned with --allow-unconverged): " + warnings.joined(separator: "; ")
        return files.map { file in
            file.name.hasSuffix(".html") ? (file.name, Self.markedPage(file.contents, note: note)) : file
        } + (folder.map { [($0 + Self.markerFile, note + "\n" + verdict + "\n")] } ?? [])
    }

    /// Written beside the outputs of a run on an unconverged fit; its first line is the note.
    public static let markerFile = "UNCONVERGED.txt"

    /// The note of a folder written on an unconverged fit, or nil (`mixplan report` marks the
    /// page it rebuilds there the same way).
    public static func unconvergedNote(inFolder folder: String) -> String? {
        guard let text = try? String(contentsOfFile: (folder as NSString).appendingPathComponent(markerFile), encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.map(String.init)
    }

    /// An HTML page with the note as a banner at the top of its body.
    public static func markedPage(_ html: String, note: String) -> String {
        let escaped = note.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        let banner = "<p style=\"background:#fde2e1;border:2px solid #b3261e;padding:8px;font-weight:bold\">\(escaped)</p>"
        guard let body = html.range(of: "<body"), let close = html[body.upperBound...].firstIndex(of: ">") else { return html }
        var page = html
        page.insert(contentsOf: banner, at: page.index(after: close))
        return page
    }
}
