import Foundation

/// The file layouts `booktui import` reads, told apart by their header.
public enum ImportFormat: String, CaseIterable, Sendable {
    /// Our own CSV export, or any CSV whose header names our columns (any case).
    case csv
    /// Our own JSON export: an array of the API's book objects.
    case json
    /// Goodreads' "Export Library" CSV.
    case goodreads
    /// LibraryThing's export, comma- or tab-separated.
    case librarything
    /// `calibredb catalog books.csv`.
    case calibre

    /// The layout of `text`, from its first character (JSON) or its header row.
    public static func detect(_ text: String) -> ImportFormat {
        let start = text.drop(while: { $0 == "\u{FEFF}" || $0.isWhitespace })
        if start.first == "[" || start.first == "{" { return .json }
        let header = Set(headerNames(text))
        if header.contains("isbn13") && (header.contains("my review") || header.contains("number of pages")) { return .goodreads }
        if header.contains("primary author") || header.contains("author (last, first)")
            || header.contains("author (first, last)")
        {
            return .librarything
        }
        if header.contains("authors") && header.contains("pubdate") { return .calibre }
        return .csv
    }

    static func headerNames(_ text: String) -> [String] {
        let first = text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        let records = (try? CSV.read(String(first), separator: separator(of: text))) ?? []
        return records.first?.fields.map(normalized) ?? []
    }

    /// A tab when the header row has tabs (LibraryThing's tab-separated export), else a comma.
    static func separator(of text: String) -> Character {
        let first = text.prefix { $0 != "\n" && $0 != "\r\n" }
        return first.contains("\t") ? "\t" : ","
    }

    static func normalized(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "\u{FEFF}", with: "")
    }
}

/// A row of an import file that makes a book, and one that does not (with the reason).
public struct ImportRow: Equatable, Sendable {
    public var line: Int
    public var draft: BookDraft
}

public struct ImportRefusal: Equatable, Sendable {
    public var line: Int
    public var reason: String
    public init(line: Int, reason: String) { self.line = line; self.reason = reason }
}

/// An import file read and checked: the books to send, and the rows refused with line numbers.
public struct ImportFile: Sendable {
    public var format: ImportFormat
    public var rows: [ImportRow] = []
    public var refused: [ImportRefusal] = []
    /// Rows seen (data rows of a CSV, items of a JSON array).
    public var total: Int { rows.count + refused.count }

    public enum ReadError: Error, CustomStringConvertible {
        case notUTF8, unreadable(String), noColumns(String)
        public var description: String {
            switch self {
            case .notUTF8: "the file is not UTF-8 text"
            case .unreadable(let why): why
            case .noColumns(let why): why
            }
        }
    }

    /// Reads `data` as `format`, or as the detected one.
    public init(data: Data, format: ImportFormat? = nil) throws {
        guard let text = String(data: data, encoding: .utf8) else { throw ReadError.notUTF8 }
        try self.init(text: text, format: format)
    }

    public init(text: String, format: ImportFormat? = nil) throws {
        self.format = format ?? ImportFormat.detect(text)
        if self.format == .json { try readJSON(text) } else { try readCSV(text) }
    }

    mutating func take(line: Int, _ raw: RawBook) {
        switch raw.draft() {
        case .success(let d): rows.append(ImportRow(line: line, draft: d))
        case .failure(let why): refused.append(ImportRefusal(line: line, reason: why.text))
        }
    }

    mutating func readCSV(_ text: String) throws {
        let records: [CSV.Record]
        do { records = try CSV.read(text, separator: ImportFormat.separator(of: text)) } catch {
            throw ReadError.unreadable("\(error)")
        }
        guard let header = records.first else { return }
        let columns = Columns(header.fields.map(ImportFormat.normalized))
        guard columns.has("title") || columns.has("book title") else {
            throw ReadError.noColumns("no Title column in the header (line \(header.line)); --format says which layout it is")
        }
        for record in records.dropFirst() {
            take(line: record.line, RawBook(format: format, columns.row(record.fields)))
        }
    }

    /// A JSON value of a book's field.
    enum Scalar: Decodable {
        case text(String), null
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .null
            } else if let b = try? c.decode(Bool.self) {
                self = .text(b ? "true" : "false")
            } else if let i = try? c.decode(Int.self) {
                self = .text(String(i))
            } else if let d = try? c.decode(Double.self) {
                self = .text(String(d))
            } else if let s = try? c.decode(String.self) {
                self = .text(s)
            } else {
                self = .null
            }
        }
    }

    /// An array item that may not be an object.
    enum Item: Decodable {
        case object([String: Scalar]), other
        init(from decoder: any Decoder) throws {
            self = (try? .object(decoder.singleValueContainer().decode([String: Scalar].self))) ?? .other
        }
    }

    mutating func readJSON(_ text: String) throws {
        let items: [Item]
        do { items = try JSONDecoder().decode([Item].self, from: Data(text.utf8)) } catch {
            throw ReadError.unreadable("JSON import needs an array of book objects (\(error))")
        }
        for (i, item) in items.enumerated() {
            // Items are numbered from 1, as lines are.
            guard case .object(let o) = item else {
                refused.append(ImportRefusal(line: i + 1, reason: "not an object"))
                continue
            }
            var row = [String: String]()
            for (k, v) in o { if case .text(let t) = v { row[k.lowercased()] = t } }
            take(line: i + 1, RawBook(format: .csv, row))
        }
    }
}

/// Header names → positions.
struct Columns {
    var index: [String: Int] = [:]
    init(_ names: [String]) {
        for (i, n) in names.enumerated() where index[n] == nil { index[n] = i }
    }
    func has(_ name: String) -> Bool { index[name] != nil }
    func row(_ fields: [String]) -> [String: String] {
        var r = [String: String]()
        for (name, i) in index where i < fields.count { r[name] = fields[i] }
        return r
    }
}
