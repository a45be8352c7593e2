import Foundation
import MediaModel

/// What a fit computed besides its draws: its convergence verdict, the family comparison of an
/// `auto` choice, and the files `FitRun.files()` wrote (summaries, checks, report). Stored beside
/// the draws (`fit.json`), so a plan on a stored fit reads them instead of computing them again.
struct FitRecord: Codable {
    /// How the record and the files beside it are made: raise it whenever a summary, check or
    /// report of a fit changes, so files a build made before are made again (the cache key's
    /// `engineRevision` covers only the draws).
    static let revision = 1
    var revision: Int
    /// The scenario the stored files name (the report carries its name): another scenario on the
    /// same data and settings reuses the draws and makes its own files.
    var scenarioName: String
    /// The plan horizon the report's response curves were drawn for ("recent spend, last N weeks").
    var horizon: Int
    var convergence: ConvergenceReport
    var comparison: FamilyComparison?
    /// The stored files' names, in `FitRun.files()` order.
    var files: [String]

    static let name = "fit.json"

    init(_ fit: FitRun, files stored: [(name: String, contents: String)]) {
        revision = Self.revision
        scenarioName = fit.scenario.name; horizon = fit.scenario.plan.horizon
        convergence = fit.convergence; comparison = fit.comparison; files = stored.map(\.name)
    }

    /// Writes the record into `dir`, which holds the files; a failure is not an error (the next
    /// run computes them again).
    func store(in dir: URL) {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.outputFormatting = [.sortedKeys]
        try? encoder.encode(self).write(to: dir.appendingPathComponent(Self.name))
    }

    /// The record in `dir` and its files, when it was made by this revision for `scenario` (its
    /// name, horizon and, under `auto`, model averaging) and every file is there.
    static func load(from dir: URL, for scenario: Scenario) -> (record: FitRecord, files: [(name: String, contents: String)])? {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? Data(contentsOf: dir.appendingPathComponent(name)),
              let record = try? decoder.decode(FitRecord.self, from: data), record.revision == revision,
              record.scenarioName == scenario.name, record.horizon == scenario.plan.horizon,
              record.comparison.map({ $0.averaging == scenario.model.averaging }) ?? true else { return nil }
        var files: [(name: String, contents: String)] = []
        for file in record.files {
            guard let contents = try? String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8) else { return nil }
            files.append((file, contents))
        }
        return (record, files)
    }
}
