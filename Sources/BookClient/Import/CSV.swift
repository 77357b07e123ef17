import Foundation

/// RFC 4180 comma-separated values: fields quoted with `"` (doubled inside), which may hold the
/// separator and line breaks; CRLF or LF between records; a UTF-8 byte order mark is skipped.
public enum CSV {
    /// One record and the line of the file it starts on (1-based), for messages.
    public struct Record: Equatable, Sendable {
        public var line: Int
        public var fields: [String]
    }

    public enum ReadError: Error, Equatable, CustomStringConvertible {
        /// A quoted field that never ends, starting on `line`.
        case unterminatedQuote(line: Int)
        public var description: String {
            switch self {
            case .unterminatedQuote(let line): "line \(line): a quoted field is never closed"
            }
        }
    }

    /// The records of `text`; blank lines are skipped. `separator` is `,` or a tab.
    public static func read(_ text: String, separator: Character = ",") throws -> [Record] {
        var records = [Record]()
        var fields = [String]()
        var field = ""
        var quoted = false, wasQuoted = false
        var line = 1, recordLine = 1, quoteLine = 1
        var chars = text.unicodeScalars.makeIterator()
        if text.unicodeScalars.first == "\u{FEFF}" { _ = chars.next() }
        let sep = separator.unicodeScalars.first!
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []; field = ""; wasQuoted = false
        }
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = chars.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                } else {
                    if c == "\n" { line += 1 }
                    if c == "\r" {
                        // CRLF inside a field is one line break, kept as LF.
                        let next = chars.next()
                        if next != "\n" { pending = next }
                        line += 1
                        field.unicodeScalars.append("\n")
                        continue
                    }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !wasQuoted:
                quoted = true; wasQuoted = true; quoteLine = line
            case sep:
                fields.append(field); field = ""; wasQuoted = false
            case "\r", "\n":
                if c == "\r" {
                    let next = chars.next()
                    if next != "\n" { pending = next }
                }
                endRecord()
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw ReadError.unterminatedQuote(line: quoteLine) }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }

    /// One record, fields quoted when they need it, ended by CRLF.
    public static func line(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    static func quote(_ s: String) -> String {
        let needs =
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || s.first?.isWhitespace == true || s.last?.isWhitespace == true
        return needs ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
