import Foundation

/// The largest amount the engine accepts anywhere (a budget, a bound, a move, a cell of spend or
/// target): 10^15. Far above any real budget, and small enough that sums over thousands of periods
/// and draws stay exact to the cent and print as whole numbers.
public let largestAmount = 1e15

/// Parses a money amount as finance writes it: `2000000`, `2_000_000`, `2,000,000`, `2M`, `$2M`,
/// `250k`, `1.5B`. Nil when the text is not an amount, is negative, or is above `largestAmount`.
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
    // Double() also reads "nan", "inf" and hexadecimal: only plain decimals are amounts.
    guard s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-") }),
          let value = Double(s), value.isFinite, value >= 0 else { return nil }
    let amount = value * multiplier
    return amount <= largestAmount ? amount : nil
}

/// What an amount must look like, for messages.
public let amountExpectation = "expected e.g. 2000000, 2_000_000, 2M, $2M or 250k, from 0 to 1,000,000,000,000,000"

/// Parses a share of a budget: `50%` or `0.5`. Nil unless it is a finite share from 0 to 100
/// (10,000%).
public func parseShare(_ text: String) -> Double? {
    let s = text.trimmingCharacters(in: .whitespaces)
    let value = s.hasSuffix("%") ? Double(s.dropLast()).map { $0 / 100 } : Double(s)
    guard let value, value.isFinite, value >= 0, value <= 100 else { return nil }
    return value
}

/// An amount for messages and tables: 1234567 → "1,234,567"; small values keep decimals.
public func money(_ x: Double) -> String {
    if !x.isFinite { return "n/a" }
    if abs(x) < 100 { return String(format: "%.3g", x) }
    // "%.0f" prints every finite double's integer digits; Int64 would trap above 9.2e18.
    let digits = String(format: "%.0f", abs(x).rounded())
    var grouped = ""
    for (i, ch) in digits.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { grouped.append(",") }
        grouped.append(ch)
    }
    return (x < 0 ? "-" : "") + String(grouped.reversed())
}
