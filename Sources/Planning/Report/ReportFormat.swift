import Foundation

/// How the report writes numbers: one money style for text, tables and ticks.
///
/// Amounts are shown with a dollar sign, as finance states budgets ("$2M"); the data
/// carry no currency, so a dollar stands for whatever currency the spend columns are in.
enum ReportFormat {
    /// $1.29M, $610k, $950, −$50.9k: three significant digits.
    static func money(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        let a = abs(x)
        let (unit, suffix): (Double, String) = a >= 1e9 ? (1e9, "B") : a >= 1e6 ? (1e6, "M") : a >= 1e3 ? (1e3, "k") : (1, "")
        let v = a / unit
        let decimals = suffix.isEmpty ? 0 : v >= 100 ? 0 : v >= 10 ? 1 : 2
        let digits = trimmed(String(format: "%.\(decimals)f", v))
        // Float noise below half a dollar prints as $0, not −$0.
        return (x < 0 && digits != "0" ? "−" : "") + "$" + digits + suffix
    }

    /// +$1.29M or −$50.9k.
    static func signedMoney(_ x: Double) -> String {
        let text = money(x)
        return text.hasPrefix("−") ? text : "+" + text
    }

    /// A tick on an axis whose ticks are `step` apart and reach `magnitude`: every tick of an axis
    /// uses the same unit, with just the decimals the step needs.
    static func tick(_ x: Double, format: ValueFormat, step: Double, magnitude: Double) -> String {
        if abs(x) < step * 1e-9 { return format == .currency ? "$0" : format == .percent ? "0%" : "0" }
        switch format {
        case .currency:
            let (unit, suffix): (Double, String) = magnitude >= 1e9 ? (1e9, "B") : magnitude >= 1e6 ? (1e6, "M") : magnitude >= 1e3 ? (1e3, "k") : (1, "")
            return (x < 0 ? "−$" : "$") + trimmed(String(format: "%.\(decimals(step / unit))f", abs(x) / unit)) + suffix
        case .percent:
            return trimmed(String(format: "%.\(decimals(step * 100))f", x * 100)) + "%"
        case .integer, .ratio, .number:
            if magnitude >= 1e4 && format != .integer { return number(x) }
            let text = trimmed(String(format: "%.\(decimals(step))f", abs(x)))
            return (x < 0 ? "−" : "") + (format == .integer ? grouped(text) : text)
        }
    }

    /// A value in a table cell.
    static func value(_ x: Double, _ format: ValueFormat) -> String {
        guard x.isFinite else { return "n/a" }
        switch format {
        case .currency: return money(x)
        case .ratio: return String(format: "%.2f", x)
        case .percent: return String(format: "%.1f%%", 100 * x)
        case .integer: return grouped(String(Int64(x.rounded())))
        case .number: return number(x)
        }
    }

    /// Four significant digits, with an exponent only for very large or small magnitudes.
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        let a = abs(x)
        if a != 0 && (a >= 1e6 || a < 1e-3) { return String(format: "%.3e", x).replacingOccurrences(of: "-", with: "−") }
        let digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3
        return (x < 0 ? "−" : "") + String(format: "%.\(digits)f", a)
    }

    /// "Jan 2023" for an ISO date; anything else as written.
    static func month(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        guard parts.count >= 2, let m = Int(parts[1]), (1...12).contains(m) else { return iso }
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(names[m - 1]) \(parts[0])"
    }

    /// Decimals needed to tell ticks `step` apart (0 to 4).
    static func decimals(_ step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        return min(max(Int((-log10(step) + 0.999).rounded(.down)), 0), 4)
    }

    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = text
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    static func grouped(_ digits: String) -> String {
        let negative = digits.hasPrefix("-")
        let body = negative ? String(digits.dropFirst()) : digits
        var out = ""
        for (i, ch) in body.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (negative ? "−" : "") + String(out.reversed())
    }
}
