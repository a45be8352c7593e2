import Foundation

/// Parses a money amount as finance writes it: `2000000`, `2_000_000`, `2,000,000`, `2M`, `$2M`,
/// `250k`, `1.5B`. Nil when the text is not an amount.
public func parseAmount(_ text: String) -> Double? {
    var s = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        .replacingOccurrences(of: ",", with: "")
    if s.hasPrefix("$") { s.removeFirst() }
    guard let last = s.last else { return nil }
    var multiplier = 1.0
    switch last {
    case "k", "K": multiplier = 1e3
    case "m", "M": multiplier = 1e6
    case "b", "B": multiplier = 1e9
    default: break
    }
    if multiplier != 1 { s.removeLast() }
    guard let value = Double(s), value.isFinite, value >= 0 else { return nil }
    return value * multiplier
}

/// Parses a share of a budget: `50%` or `0.5`.
public func parseShare(_ text: String) -> Double? {
    let s = text.trimmingCharacters(in: .whitespaces)
    if s.hasSuffix("%") { return Double(s.dropLast()).map { $0 / 100 } }
    return Double(s)
}
