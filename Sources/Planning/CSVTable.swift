import Foundation

/// A parsed CSV file: RFC 4180 fields (quotes, doubled quotes, commas and newlines inside quotes),
/// CRLF or LF line ends, and a UTF-8 byte-order mark tolerated.
struct CSVTable {
    struct Record {
        /// Line of the file where the record starts (1-based).
        var line: Int
        var fields: [String]
    }

    var header: [String]
    var records: [Record]

    /// - Throws: `InputError` (.data) for an unterminated quote or an empty file.
    init(text: String, file: String) throws {
        var records: [Record] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1, recordLine = 1
        var fieldWasQuoted = false
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0
        func endRecord() {
            fields.append(field)
            // A blank line is not a record.
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []; field = ""; fieldWasQuoted = false
        }
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 }
                    else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                inQuotes = true; fieldWasQuoted = true
            } else if c == "," {
                fields.append(field); field = ""; fieldWasQuoted = false
            } else if c == "\r" {
                if i + 1 < chars.count, chars[i + 1] == "\n" { i += 1 }
                endRecord(); line += 1; recordLine = line
            } else if c == "\n" {
                endRecord(); line += 1; recordLine = line
            } else {
                field.unicodeScalars.append(c)
            }
            i += 1
        }
        if inQuotes { throw InputError(.data, "\(file): line \(recordLine): a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let first = records.first else { throw InputError(.data, "\(file): the file is empty (expected a header row and weekly rows)") }
        var header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var rows = Array(records.dropFirst())
        // Spreadsheets export empty trailing columns ("a,b,c,,"): drop an unnamed last column
        // while no row has anything in it, and empty cells past the header's width.
        func blank(_ field: String) -> Bool { field.trimmingCharacters(in: .whitespaces).isEmpty }
        while header.count > 1, let last = header.last, last.isEmpty,
              rows.allSatisfy({ $0.fields.count < header.count || blank($0.fields[header.count - 1]) }) {
            header.removeLast()
        }
        for r in rows.indices {
            while rows[r].fields.count > header.count, let last = rows[r].fields.last, blank(last) { rows[r].fields.removeLast() }
        }
        // A NUL is never text: number parsing would stop at it and read "0.1<NUL>9" as 0.1.
        if let i = header.firstIndex(where: { $0.unicodeScalars.contains("\u{0}") }) {
            throw InputError(.data, "\(file): line 1, column \(i + 1): the name '\(header[i])' holds a NUL character (is the file binary or corrupt?)")
        }
        for row in rows {
            if let i = row.fields.firstIndex(where: { $0.unicodeScalars.contains("\u{0}") }) {
                let name = i < header.count ? "'\(header[i])'" : "\(i + 1)"
                throw InputError(.data, "\(file): line \(row.line), column \(name): '\(row.fields[i])' holds a NUL character (is the file binary or corrupt?)")
            }
        }
        self.header = header
        self.records = rows
    }
}
