import Foundation

/// A book record found for an ISBN by the server's sources (`GET /api/lookup/isbn/<isbn>/`):
/// what the form fills in, and which source answered.
public struct LookupDraft: Decodable, Sendable, Equatable {
    public var isbn: String
    public var title: String?
    public var subtitle: String?
    public var authors: [String]?
    public var author: String?
    public var publisher: String?
    public var publishedYear: Int?
    public var pages: Int?
    public var language: String?
    public var edition: String?
    public var subjects: [String]?
    /// Which source answered: `openlibrary`, `z3950:HOST:PORT/DB` or `sru:URL`.
    public var source: String

    public init(
        isbn: String, title: String? = nil, subtitle: String? = nil, authors: [String]? = nil,
        author: String? = nil, publisher: String? = nil, publishedYear: Int? = nil, pages: Int? = nil,
        language: String? = nil, edition: String? = nil, subjects: [String]? = nil, source: String
    ) {
        self.isbn = isbn; self.title = title; self.subtitle = subtitle; self.authors = authors; self.author = author
        self.publisher = publisher; self.publishedYear = publishedYear; self.pages = pages
        self.language = language; self.edition = edition; self.subjects = subjects; self.source = source
    }

    /// Title and subtitle as one title, the way a catalogue shows them ("Dune: a novel").
    public var fullTitle: String? {
        guard let t = title, !t.isEmpty else { return nil }
        guard let s = subtitle, !s.isEmpty else { return t }
        return t + ": " + s
    }
}

/// What a lookup came to: the record, nobody knowing the ISBN, or the sources failing.
public enum LookupOutcome: Sendable, Equatable {
    case found(LookupDraft)
    case notFound
    /// Every source was down or too slow; the server's words say which and why.
    case sourcesDown(String)
}

extension BookClient {
    /// Looks an ISBN up in the server's sources. A malformed ISBN is `.validation` with the
    /// server's message under `isbn`.
    public func lookupISBN(_ isbn: String) async throws -> LookupOutcome {
        let compact = isbn.filter { $0 != " " }
        let path = "/api/lookup/isbn/" + (compact.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? compact) + "/"
        let r = try await authed("GET", path)
        switch r.status {
        case 200: return .found(try Self.decode(LookupDraft.self, r))
        case 404: return .notFound
        case 503:
            let detail = (r.json as? [String: Any])?["detail"] as? String
            return .sourcesDown(detail ?? "no source answered")
        default:
            try Self.expect(r, 200)
            throw APIError.badResponse("lookup answer")
        }
    }

    /// The user's books with this ISBN (any form), to say "you have this" before adding it again.
    public func booksWithISBN(_ isbn: String) async throws -> [Book] {
        guard let isbn13 = ISBN.toISBN13(isbn) else { return [] }
        var q = BookQuery()
        q.search = isbn13
        return try await listBooks(q, page: 1, pageSize: 5).results.filter { $0.isbn == isbn13 }
    }
}
