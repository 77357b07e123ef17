import Foundation

/// Books written out as `booktui export` writes them: CSV (RFC 4180, UTF-8 with a byte order mark
/// so that spreadsheets read it as UTF-8, a header row) or JSON (an array of the API's objects).
public enum BookExport {
    /// The columns: the id, the fields the server keeps (`BookField`), and on ours the timestamps.
    public static func columns(extended: Bool) -> [String] {
        ["id"] + BookField.kept(extended: extended).map(\.name) + (extended ? ["created_at", "updated_at"] : [])
    }

    public static func csvHeader(extended: Bool) -> String { "\u{FEFF}" + CSV.line(columns(extended: extended)) }

    public static func csvLine(_ b: Book, extended: Bool) -> String {
        let draft = BookDraft(b)
        var fields = [String(b.id)]
        for field in BookField.kept(extended: extended) {
            switch draft[field] {
            case .text(let s)?: fields.append(s)
            case .number(let n)?: fields.append(String(n))
            case .flag(let f)?: fields.append(f ? "true" : "false")
            case nil: fields.append("")
            }
        }
        if extended { fields += [b.createdAt ?? "", b.updatedAt ?? ""] }
        return CSV.line(fields)
    }

    /// One book as a JSON object in the API's field names; keys sorted so exports compare.
    public static func jsonObject(_ b: Book, extended: Bool) -> [String: Any] {
        var o = BookDraft(b).jsonObject(extended: extended)
        o["id"] = b.id
        if extended {
            o["created_at"] = b.createdAt ?? NSNull()
            o["updated_at"] = b.updatedAt ?? NSNull()
        }
        return o
    }

    public static func json(_ books: [Book], extended: Bool) throws -> Data {
        var data = try JSONSerialization.data(
            withJSONObject: books.map { jsonObject($0, extended: extended) },
            options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }
}

/// Finds which books a user already has, as the server's bulk call does: by ISBN, else (when
/// either lacks one) by title + author + year, case and accents folded. For a dry run, and for
/// the seed's server, which has no bulk call.
public struct BookMatcher: Sendable {
    struct Key: Hashable { var titleAuthor: String; var year: Int }
    var byISBN: Set<String> = []
    var withoutISBN: Set<Key> = []
    var withISBN: Set<Key> = []

    public init(_ books: [BookDraft] = []) { for b in books { add(b) } }

    static func key(_ d: BookDraft) -> Key {
        let fold = { (s: String) in
            s.trimmingCharacters(in: .whitespacesAndNewlines).folding(
                options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        }
        return Key(titleAuthor: fold(d.title) + "\u{1F}" + fold(d.author), year: d.publishedYear)
    }

    public func contains(_ d: BookDraft) -> Bool {
        let k = Self.key(d)
        if let isbn = d.isbn.flatMap({ ISBN.toISBN13($0) }) { return byISBN.contains(isbn) || withoutISBN.contains(k) }
        return withoutISBN.contains(k) || withISBN.contains(k)
    }

    public mutating func add(_ d: BookDraft) {
        let k = Self.key(d)
        if let isbn = d.isbn.flatMap({ ISBN.toISBN13($0) }) {
            byISBN.insert(isbn)
            withISBN.insert(k)
        } else {
            withoutISBN.insert(k)
        }
    }
}
