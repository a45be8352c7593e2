import Foundation
import Yams

/// A node of the scenario file with its key path, so every complaint can say where it is.
struct YAMLValue {
    let node: Node
    /// Dotted key path from the root, e.g. `model.adstock.max_lag`.
    let path: String
    let file: String

    var line: Int? { node.mark?.line }

    func error(_ expected: String) -> InputError {
        let place = line.map { "\(file): line \($0)" } ?? file
        return InputError(.configuration, path.isEmpty ? "\(place): \(expected)" : "\(place): \(path): \(expected)")
    }

    /// Parses a whole document.
    static func document(_ text: String, file: String) throws -> YAMLValue {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw InputError(.configuration, "\(file): the scenario is empty (expected keys data, model, sampler, plan)")
            }
            return YAMLValue(node: node, path: "", file: file)
        } catch let error as YamlError {
            throw InputError(.configuration, "\(file): not valid YAML: \(describe(error))")
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        default:
            return String(describing: error)
        }
    }

    /// The mapping's entries; a key outside `allowed` is refused with the nearest valid key.
    func mapping(allowed: [String]) throws -> [String: YAMLValue] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of keys (\(allowed.joined(separator: ", ")))") }
        var out: [String: YAMLValue] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error("keys must be names") }
            let childPath = path.isEmpty ? name : "\(path).\(name)"
            guard allowed.contains(name) else {
                let place = key.mark.map { "\(file): line \($0.line)" } ?? file
                throw InputError(.configuration, "\(place): unknown key '\(childPath)'\(suggestion(name, in: allowed)); valid keys here: \(allowed.joined(separator: ", "))")
            }
            out[name] = YAMLValue(node: value, path: childPath, file: file)
        }
        return out
    }

    /// A mapping whose keys are free names (channels, parameters).
    func entries() throws -> [(String, YAMLValue)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping") }
        return try mapping.map { key, value in
            guard let name = key.string else { throw error("keys must be names") }
            return (name, YAMLValue(node: value, path: path.isEmpty ? name : "\(path).\(name)", file: file))
        }
    }

    var isMapping: Bool { if case .mapping = node { true } else { false } }

    func string() throws -> String {
        guard case .scalar(let s) = node, !s.string.isEmpty else { throw error("expected a text value") }
        return s.string
    }

    func double() throws -> Double {
        guard case .scalar(let s) = node, let v = Double(s.string.replacingOccurrences(of: "_", with: "")), v.isFinite else {
            throw error("expected a number, got '\(scalarText)'")
        }
        return v
    }

    func int() throws -> Int {
        guard case .scalar(let s) = node, let v = Int(s.string.replacingOccurrences(of: "_", with: "")) else {
            throw error("expected a whole number, got '\(scalarText)'")
        }
        return v
    }

    func bool() throws -> Bool {
        guard case .scalar(let s) = node else { throw error("expected true or false") }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got '\(s.string)'")
        }
    }

    func stringList() throws -> [String] {
        switch node {
        case .sequence(let seq):
            return try seq.enumerated().map { i, n in
                try YAMLValue(node: n, path: "\(path)[\(i)]", file: file).string()
            }
        case .scalar(let s) where !s.string.isEmpty:
            return [s.string]
        default:
            throw error("expected a list of names, e.g. [tv, search]")
        }
    }

    var scalarText: String {
        if case .scalar(let s) = node { return s.string }
        return "a \(isMapping ? "mapping" : "list")"
    }
}
