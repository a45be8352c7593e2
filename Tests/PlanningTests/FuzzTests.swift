import Foundation
import MediaModel
import Sampling
import Testing
@testable import Planning

/// Seeded random mutations of the bundled scenarios (scenarios/) and data (Examples/data/), run
/// in process through everything that happens before sampling: reading the scenario, loading
/// and checking the data, the plan checks and building the model. Whatever the input, nothing
/// may trap (a trap ends this test process), and every refusal must be an `InputError` or a
/// `ModelError`, which the command line turns into the contract's exit codes 64, 65, 66 or 78,
/// never the 70 of an internal failure.
@Suite struct FuzzTests {
    static let root = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let cases = 2000

    /// Values that have broken parsers: empty, huge, negative, non-finite, wrong type, hidden
    /// characters, YAML specials.
    static let awkward = [
        "", " ", "0", "-1", "-0", "1e15", "1e16", "1e30", "1e308", "1e309", "-1e308", "9223372036854775807",
        "9223372036854775808", "18446744073709551616", "0.0000001", "nan", "NaN", "inf", "-inf", ".inf", ".nan",
        "~", "null", "{}", "[]", "[[]]", "{a: 1}", "[0, 0]", "[1e30, 1e31]", "[5, 1]", "tv", "revenue", "week",
        "\u{0}", "\u{A0}tv", "tv\u{200B}", "\"", "'", ",", "\r\n", "2027-02-30", "0000-00-00", "99999-01-01", "$", "M", "1..2",
        "&a x", "*a", "!!binary AAAA", "---", "#", "%", "1_000_000_000_000_000_000", "0x10", "1,5",
    ]


    /// One random edit of a text: a token replaced by an awkward value, a character inserted or
    /// deleted, a line deleted, duplicated or swapped with the next, or the text cut short.
    static func mutate(_ text: String, _ rng: inout SeededGenerator) -> String {
        var lines = text.components(separatedBy: "\n")
        guard !lines.isEmpty else { return text }
        let i = Int.random(in: 0..<lines.count, using: &rng)
        switch Int.random(in: 0..<8, using: &rng) {
        case 0, 1, 2:
            // Replace one token (between separators) of a line.
            var tokens = lines[i].components(separatedBy: CharacterSet(charactersIn: ",:[]{} "))
            if !tokens.isEmpty {
                let t = Int.random(in: 0..<tokens.count, using: &rng)
                let original = tokens[t]
                let replacement = awkward.randomElement(using: &rng)!
                tokens[t] = replacement
                if !original.isEmpty, let range = lines[i].range(of: original) {
                    lines[i].replaceSubrange(range, with: replacement)
                } else {
                    lines[i] += replacement
                }
            }
        case 3:
            var scalars = Array(lines[i].unicodeScalars)
            let at = Int.random(in: 0...scalars.count, using: &rng)
            scalars.insert(["\u{0}", "\u{A0}", ",", "\"", ":", "-", "{", "[", "\t", "e", "9", "#"].randomElement(using: &rng)!, at: at)
            lines[i] = String(String.UnicodeScalarView(scalars))
        case 4:
            if !lines[i].isEmpty {
                var scalars = Array(lines[i].unicodeScalars)
                scalars.remove(at: Int.random(in: 0..<scalars.count, using: &rng))
                lines[i] = String(String.UnicodeScalarView(scalars))
            }
        case 5: lines.remove(at: i)
        case 6: lines.insert(lines[i], at: i)
        default:
            if Bool.random(using: &rng) { lines = Array(lines.prefix(i)) }
            else if i + 1 < lines.count { lines.swapAt(i, i + 1) }
        }
        return lines.joined(separator: "\n")
    }

    enum Outcome: Hashable { case accepted, refused(InputError.Kind), model }

    /// Everything before sampling, as `mixplan plan` does it.
    static func attempt(_ scenarioPath: String) throws -> Outcome {
        do {
            let scenario = try Scenario.load(path: scenarioPath)
            let data = try Preflight.check(scenario)
            _ = try MediaMixModel(data: data, specification: scenario.model)
            return .accepted
        } catch let error as InputError {
            #expect(!error.message.isEmpty)
            return .refused(error.kind)
        } catch is ModelError {
            return .model
        }
    }

    @Test func mutatedScenariosAndDataNeverTrapAndAlwaysGiveAContractCode() throws {
        // Thousands of small files: in memory (/dev/shm) where the system has it, as disks are slow.
        let shm = URL(fileURLWithPath: "/dev/shm")
        let dir = FileManager.default.isWritableFile(atPath: shm.path) ? shm.appendingPathComponent("mixplan-fuzz-\(UUID().uuidString)") : temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("Examples/data"), withIntermediateDirectories: true)
        let scenarioNames = try fm.contentsOfDirectory(atPath: Self.root.appendingPathComponent("scenarios").path).filter { $0.hasSuffix(".yaml") }.sorted()
        let scenarios = try scenarioNames.map { try String(contentsOf: Self.root.appendingPathComponent("scenarios/\($0)"), encoding: .utf8) }
        let dataNames = ["weekly.csv", "lift.csv"]
        // The data cut to its first 30 weeks keeps each case to milliseconds.
        let weekly = try String(contentsOf: Self.root.appendingPathComponent("Examples/data/weekly.csv"), encoding: .utf8)
            .components(separatedBy: "\n").prefix(31).joined(separator: "\n") + "\n"
        let originals = [weekly, try String(contentsOf: Self.root.appendingPathComponent("Examples/data/lift.csv"), encoding: .utf8)]
        #expect(!scenarios.isEmpty)

        var rng = SeededGenerator(seed: 20_261_204)
        var outcomes: [Outcome: Int] = [:]
        var onDisk = ["", ""]
        for n in 0..<Self.cases {
            // Mostly one file mutated at a time, sometimes several edits at once.
            var texts = originals
            var scenario = scenarios[n % scenarios.count]
            let edits = Int.random(in: 1...3, using: &rng)
            for _ in 0..<edits {
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: scenario = Self.mutate(scenario, &rng)
                case 1: texts[0] = Self.mutate(texts[0], &rng)
                default: texts[1] = Self.mutate(texts[1], &rng)
                }
            }
            for (k, (name, text)) in zip(dataNames, texts).enumerated() where text != onDisk[k] {
                try Data(text.utf8).write(to: dir.appendingPathComponent("Examples/data/\(name)"))
                onDisk[k] = text
            }
            let path = dir.appendingPathComponent("scenarios/case.yaml").path
            try Data(scenario.utf8).write(to: URL(fileURLWithPath: path))
            do {
                outcomes[try Self.attempt(path), default: 0] += 1
            } catch {
                Issue.record("case \(n): \(type(of: error)) \(error) — would exit 70\n--- scenario:\n\(scenario)")
            }
        }
        // The mutations must reach both sides: accepted inputs and each kind of refusal.
        #expect((outcomes[.accepted] ?? 0) > 0, "\(outcomes)")
        #expect((outcomes[.refused(.configuration)] ?? 0) > 0 && (outcomes[.refused(.data)] ?? 0) > 0, "\(outcomes)")
    }
}
