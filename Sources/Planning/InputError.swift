/// Everything a user can get wrong, with where and what was expected. The command line turns the
/// kind into a sysexits code; the message is already fit to print.
public struct InputError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A data file's contents (exit 65).
        case data
        /// A file that does not exist or cannot be read (exit 66).
        case missingFile
        /// The scenario or a setting (exit 78).
        case configuration
        /// Command-line usage (exit 64).
        case usage
    }

    public var kind: Kind
    public var message: String

    /// Hidden characters in the message (a NUL or a non-breaking space copied from a spreadsheet
    /// into a name or a cell) are shown escaped, so the user sees why `tv` is not `tv`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = escapedForMessage(message)
    }

    public var description: String { message }
}

/// The closest candidate to a misspelt name, when it is close enough to be a plausible typo.
func nearest(_ word: String, in candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(2, word.count / 3) ? best.0 : nil
}

/// " (did you mean 'x'?)" for the nearest candidate, or nothing.
public func suggestionText(_ word: String, in candidates: [String]) -> String { suggestion(word, in: candidates) }

func suggestion(_ word: String, in candidates: [String]) -> String {
    nearest(word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

/// `text` with every invisible or look-alike character written as `<U+XXXX>`: control
/// characters (but line breaks), format characters (zero-width spaces, byte-order marks) and
/// spaces other than the plain one.
public func escapedForMessage(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        let hidden: Bool
        switch scalar.properties.generalCategory {
        case .control: hidden = scalar != "\n"
        case .format, .lineSeparator, .paragraphSeparator, .unassigned, .privateUse, .surrogate: hidden = true
        case .spaceSeparator: hidden = scalar != " "
        default: hidden = false
        }
        if hidden { out += String(format: "<U+%04X>", scalar.value) } else { out.unicodeScalars.append(scalar) }
    }
    return out
}
