import Foundation

/// One row of an import file in its own layout's column names (lower case), turned into a
/// `BookDraft` checked by `BookRules`, or the reason it cannot be one.
struct RawBook {
    struct Reason: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }

    var format: ImportFormat
    var row: [String: String]

    init(format: ImportFormat, _ row: [String: String]) {
        self.format = format
        self.row = row
    }

    /// The first non-blank of the named columns, trimmed.
    func value(_ names: String...) -> String? {
        for n in names {
            if let v = row[n]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty { return v }
        }
        return nil
    }

    var title: String? { value("title", "book title") }

    var author: String? {
        switch format {
        case .goodreads: return value("author")
        case .librarything:
            if let a = value("primary author", "author (first, last)") { return a }
            return value("author (last, first)").map(Self.firstLast)
        case .calibre:
            // Calibre joins several authors with " & ".
            return value("authors", "author").map { $0.replacingOccurrences(of: " & ", with: ", ") }
        case .csv, .json: return value("author", "authors")
        }
    }

    /// The year, from a year column or the first four-digit run of a date.
    var yearText: String? {
        switch format {
        case .goodreads: return value("year published", "original publication year")
        case .librarything: return value("date", "publication date").map(Self.firstYear)
        case .calibre: return value("pubdate").map(Self.firstYear)
        case .csv, .json: return value("published_year", "year", "publication year", "published")
        }
    }

    var isbn: String? {
        let raw: String?
        switch format {
        case .goodreads: raw = value("isbn13", "isbn").map(Self.unquoteFormula)
        case .librarything: raw = value("isbn", "isbns").map(Self.firstISBN)
        case .calibre: raw = value("isbn")
        case .csv, .json: raw = value("isbn", "isbn13")
        }
        // Goodreads writes `=""` for none.
        return raw.flatMap { $0.isEmpty ? nil : $0 }
    }

    var publisher: String? {
        switch format {
        case .librarything:
            // "Publication": "Penguin Books (2003), Paperback, 320 pages".
            return value("publisher")
                ?? value("publication").map {
                    String($0.prefix { $0 != "(" && $0 != "," })
                        .trimmingCharacters(in: .whitespaces)
                }.flatMap { $0.isEmpty ? nil : $0 }
        default: return value("publisher")
        }
    }

    var pagesText: String? {
        switch format {
        case .goodreads: return value("number of pages")
        case .librarything: return value("page count", "pages")
        default: return value("pages", "page count", "number of pages")
        }
    }

    var notes: String? {
        switch format {
        case .goodreads: return value("my review")
        case .librarything: return value("review", "comments", "comment")
        case .calibre: return value("comments").map(Self.plainText)
        case .csv, .json: return value("notes", "comments", "review")
        }
    }

    var availableText: String? { value("is_available", "available") }

    func draft() -> Result<BookDraft, Reason> {
        var reasons = [String]()
        guard let title else { return .failure(Reason("title: missing")) }
        guard let author else { return .failure(Reason("author: missing")) }
        var year = 0
        if let t = yearText {
            if let y = Int(t) { year = y } else { reasons.append("published_year: \(t) is not a year") }
        } else {
            reasons.append("published_year: missing")
        }
        var pages: Int?
        if let t = pagesText {
            if let n = Int(t) { pages = n } else { reasons.append("pages: \(t) is not a whole number") }
        }
        var available = false
        if let t = availableText {
            switch t.lowercased() {
            case "true", "yes", "y", "1": available = true
            case "false", "no", "n", "0": available = false
            default: reasons.append("is_available: \(t) is not yes or no")
            }
        }
        // Stored as the server stores it, so a second import matches the first.
        let isbn = isbn.map { ISBN.toISBN13($0) ?? $0 }
        let d = BookDraft(
            title: title, author: author, publishedYear: year, isAvailable: available,
            isbn: isbn, publisher: publisher, pages: pages, notes: notes)
        let problems = BookRules.problems({ d[$0] })
        for field in problems.keys.sorted() where !reasons.contains(where: { $0.hasPrefix(field + ":") }) {
            reasons.append("\(field): \(problems[field]!.joined(separator: "; "))")
        }
        return reasons.isEmpty ? .success(d) : .failure(Reason(reasons.joined(separator: "; ")))
    }

    /// Goodreads' `="0306406152"` (a spreadsheet formula that keeps leading zeros).
    static func unquoteFormula(_ s: String) -> String {
        var t = Substring(s)
        if t.hasPrefix("=") { t = t.dropFirst() }
        if t.hasPrefix("\"") && t.hasSuffix("\"") && t.count >= 2 { t = t.dropFirst().dropLast() }
        return t.trimmingCharacters(in: .whitespaces)
    }

    /// LibraryThing's ISBN column may hold `[0306406152]` or several, comma-separated.
    static func firstISBN(_ s: String) -> String {
        let t = s.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
        return t.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }).first.map(String.init) ?? t
    }

    static func firstYear(_ s: String) -> String {
        let chars = Array(s)
        var i = 0
        while i + 4 <= chars.count {
            let run = chars[i..<i + 4]
            if run.allSatisfy(\.isASCII), run.allSatisfy(\.isNumber),
                i + 4 == chars.count || !chars[i + 4].isNumber, i == 0 || !chars[i - 1].isNumber
            {
                return String(run)
            }
            i += 1
        }
        return s
    }

    /// "Last, First" → "First Last".
    static func firstLast(_ s: String) -> String {
        let parts = s.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        return parts.count == 2 && !parts[1].isEmpty ? parts[1] + " " + parts[0] : s
    }

    /// Calibre's comments are HTML: the text without its tags.
    static func plainText(_ html: String) -> String {
        guard html.contains("<") else { return html }
        var out = "", inTag = false
        for c in html {
            if c == "<" { inTag = true } else if c == ">" { inTag = false } else if !inTag { out.append(c) }
        }
        return out.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
