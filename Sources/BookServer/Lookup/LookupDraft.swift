import Vapor

/// What a lookup answers: a book as a source describes it, in our form's fields, for a client to
/// fill its add form with. Every value is the source's; nothing is cut to our limits.
public struct LookupDraft: Content, Equatable, Sendable {
    /// ISBN-13, always the one asked for.
    public var isbn: String
    public var title: String
    @NullEncodable public var subtitle: String?
    public var authors: [String]
    /// The authors as one string, as our `author` field takes them.
    public var author: String
    @NullEncodable public var publisher: String?
    @NullEncodable public var published_year: Int?
    @NullEncodable public var pages: Int?
    /// MARC language code (`eng`, `rus`) or what the source gives.
    @NullEncodable public var language: String?
    @NullEncodable public var edition: String?
    public var subjects: [String]
    /// Which configured source answered: `openlibrary`, `z3950:HOST:PORT/DB`, `sru:URL`.
    public var source: String

    public init(
        isbn: String, title: String, subtitle: String? = nil, authors: [String], publisher: String? = nil,
        publishedYear: Int? = nil, pages: Int? = nil, language: String? = nil, edition: String? = nil,
        subjects: [String] = [], source: String
    ) {
        self.isbn = isbn
        self.title = title
        self.subtitle = subtitle
        self.authors = authors
        self.author = authors.joined(separator: ", ")
        self.publisher = publisher
        self.published_year = publishedYear
        self.pages = pages
        self.language = language
        self.edition = edition
        self.subjects = subjects
        self.source = source
    }

}

/// Small text clean-ups shared by the sources.
enum DraftText {
    /// Trims whitespace and the ISBD punctuation cataloguers end a subfield with (` /`, ` :`, ` ;`,
    /// ` =`, `,`, `.`), keeping a full stop that ends an initial or an abbreviation ("Jr.", "A. B.").
    /// Control characters and bidi overrides (a catalogue's MARC non-sort marks U+0098/U+009C, or
    /// worse) are dropped, tab and newline become spaces: a draft must be text the book fields accept.
    static func clean(_ raw: String?) -> String? {
        guard var s = raw.map(printable)?.trimmingCharacters(in: .whitespacesAndNewlines), !s.isEmpty else { return nil }
        while let last = s.last, "/:;=,".contains(last) {
            s.removeLast()
            s = s.trimmingCharacters(in: .whitespaces)
        }
        if s.hasSuffix("."), !endsWithAbbreviation(s) { s.removeLast() }
        s = s.trimmingCharacters(in: .whitespaces)
        return s.isEmpty ? nil : s
    }

    static func printable(_ raw: String) -> String {
        guard ControlCharacters.firstForbidden(in: raw) != nil else { return raw }
        var out = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars {
            if scalar == "\t" || scalar == "\n" || scalar == "\r" {
                out.append(" ")
            } else if !ControlCharacters.isForbidden(scalar) {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func endsWithAbbreviation(_ s: String) -> Bool {
        let lastWord = s.split(separator: " ").last.map(String.init) ?? s
        let body = lastWord.dropLast()
        // "A." (an initial), "Jr.", "ed.", "p." end in a period that is part of the word.
        return body.count <= 1 || ["Jr", "Sr", "ed", "eds", "Inc", "Co", "Ltd", "etc"].contains(String(body))
    }

    /// The first four-digit year in free text: `c1990.`, `[1990]`, `June 2006`, `2006-2007`.
    static func year(_ raw: String?) -> Int? {
        guard let raw else { return nil }
        var digits = ""
        for ch in raw {
            if ch.isASCII, ch.isNumber {
                digits.append(ch)
                if digits.count == 4 { return Int(digits) }
            } else {
                digits = ""
            }
        }
        return nil
    }

    /// The page count of an extent (`412 p.`, `xii, 535 p.`, `384 с.`, `2 v. (850 p.)`): the largest
    /// number in it that does not count volumes.
    static func pages(_ raw: String?) -> Int? {
        guard let raw else { return nil }
        var counts: [Int] = []
        var rest = Substring(raw)
        while let start = rest.firstIndex(where: { $0.isASCII && $0.isNumber }) {
            let end = rest[start...].firstIndex(where: { !($0.isASCII && $0.isNumber) }) ?? rest.endIndex
            let unit = rest[end...].drop(while: { $0 == " " }).prefix(1)
            if unit != "v", let value = Int(rest[start..<end]), (1...100_000).contains(value) { counts.append(value) }
            rest = rest[end...]
        }
        return counts.max()
    }

    /// Keeps the first of equal strings, in order.
    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
