import ArgumentParser
import Foundation
import ReferenceDensities
import Sampling

/// `mixplan demo`: the most complete path that exists today. It samples targets whose moments are
/// known and prints what the sampler recovered next to the truth, with its convergence checks.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the bundled example end to end (today: the sampler on known targets)."
    )

    @Option(help: "Seed of the chains' random streams.")
    var seed: UInt64 = 7

    @Flag(help: "Silence progress on stderr.")
    var quiet = false

    func run() throws {
        print("MixPlan demo — the sampler on targets with known answers.")
        print("(The media model, the budget optimizer and the plan come with the next milestones.)\n")
        let cases: [(String, any LogDensity, [Double], [Double])] = [
            ("100-D standard normal", GaussianTarget.standard(dimension: 100),
             Array(repeating: 0, count: 100), Array(repeating: 1, count: 100)),
            ("2-D normal, correlation 0.95", GaussianTarget.correlated(rho: 0.95), [0, 0], [1, 1]),
            ("normal, scales 1e-2 … 1e2", GaussianTarget(scales: [1e-2, 1e-1, 1, 1e1, 1e2]),
             [0, 0, 0, 0, 0], [1e-2, 1e-1, 1, 1e1, 1e2]),
            ("Neal's funnel (dimension 10)", FunnelTarget(dimension: 10), [0], [3]),
        ]
        var configuration = SamplerConfiguration()
        configuration.seed = seed
        let header = ["target", "coord", "true mean", "mean", "true sd", "sd", "R-hat", "ESS bulk",
                      "ESS tail", "divergent"]
        var rows: [[String]] = []
        for (name, target, means, sds) in cases {
            if !quiet { FileHandle.standardError.write(Data("sampling \(name)…\n".utf8)) }
            let start = Date()
            let result = try NUTSSampler(configuration: configuration).sample(target)
            let seconds = Date().timeIntervalSince(start)
            let shown = means.count <= 5 ? Array(0..<means.count) : [0, 1, means.count - 1]
            for j in shown {
                let s = result.summary(ofCoordinate: j)
                rows.append([j == shown[0] ? name : "", "\(j)", format(means[j]), format(s.mean),
                             format(sds[j]), format(s.sd), String(format: "%.3f", s.rHat),
                             String(format: "%.0f", s.essBulk), String(format: "%.0f", s.essTail),
                             j == shown[0] ? "\(result.divergences)" : ""])
            }
            if !quiet {
                FileHandle.standardError.write(Data(String(format: "  %.2f s\n", seconds).utf8))
            }
        }
        print(table(header: header, rows: rows))
        print("""

            Divergences on the funnel are the sampler telling the truth: its neck is too narrow \
            for one step size, and a silent sampler would report biased draws instead.
            """)
    }

    private func format(_ x: Double) -> String { String(format: "%.4g", x) }
}

/// Left-aligned first column, right-aligned numbers.
func table(header: [String], rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { c, cell in
            let pad = String(repeating: " ", count: widths[c] - cell.count)
            return c == 0 ? cell + pad : pad + cell
        }.joined(separator: "  ")
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
}
