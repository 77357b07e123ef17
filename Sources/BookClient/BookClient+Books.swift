import Foundation

extension BookClient {
    /// One page of books (1-based `page`). Our server pages, searches, filters and sorts; the
    /// seed returns a plain array of everything, which is then searched, sorted and paged here.
    public func listBooks(_ q: BookQuery, page: Int, pageSize: Int) async throws -> BookPage {
        var items = [
            URLQueryItem(name: "page", value: String(page)),
            URLQueryItem(name: "page_size", value: String(pageSize)),
            URLQueryItem(name: "ordering", value: q.ordering),
        ]
        if !q.search.isEmpty { items.append(URLQueryItem(name: "search", value: q.search)) }
        if q.availableOnly { items.append(URLQueryItem(name: "is_available", value: "true")) }
        if extended == false, let cached = seedBooks, page > 1, Date().timeIntervalSince(cached.fetched) < 60 {
            return Self.localPage(cached.books, q, page: page, pageSize: pageSize)
        }
        let r = try await authed("GET", "/api/books/", query: items)
        try Self.expect(r, 200)
        if r.data.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "[") {
            capabilities.learn(extensions: false)
            let all = try Self.decode([Book].self, r)
            seedBooks = (Date(), all)
            return Self.localPage(all, q, page: page, pageSize: pageSize)
        }
        struct Paged: Decodable { var count: Int; var results: [Book] }
        let p = try Self.decode(Paged.self, r)
        capabilities.learn(extensions: true)
        return BookPage(count: p.count, results: p.results)
    }

    static func localPage(_ all: [Book], _ q: BookQuery, page: Int, pageSize: Int) -> BookPage {
        var rows = all
        if q.availableOnly { rows = rows.filter(\.isAvailable) }
        if !q.search.isEmpty {
            let s = q.search.lowercased()
            rows = rows.filter {
                $0.title.lowercased().contains(s) || $0.author.lowercased().contains(s)
                    || ($0.isbn ?? "").lowercased().contains(s)
            }
        }
        rows.sort { a, b in
            let less: Bool
            switch q.sort {
            case .title: less = a.title.localizedCaseInsensitiveCompare(b.title) == .orderedAscending
            case .author: less = a.author.localizedCaseInsensitiveCompare(b.author) == .orderedAscending
            case .publishedYear: less = a.publishedYear < b.publishedYear
            case .createdAt: less = a.id < b.id
            }
            return q.descending ? !less && a.id != b.id : less
        }
        let start = min(rows.count, max(0, (page - 1) * pageSize))
        let end = min(rows.count, start + pageSize)
        return BookPage(count: rows.count, results: Array(rows[start..<end]))
    }

    public func book(id: Int) async throws -> Book {
        let r = try await authed("GET", "/api/books/\(id)/")
        try Self.expect(r, 200)
        return try Self.decode(Book.self, r)
    }

    public func createBook(_ d: BookDraft) async throws -> Book {
        let r = try await authed("POST", "/api/books/", json: d.jsonObject(extended: extended ?? false))
        try Self.expect(r, 201, 200)
        seedBooks = nil
        return try Self.decode(Book.self, r)
    }

    public func updateBook(id: Int, _ d: BookDraft) async throws -> Book {
        let r = try await authed("PUT", "/api/books/\(id)/", json: d.jsonObject(extended: extended ?? false))
        try Self.expect(r, 200)
        seedBooks = nil
        return try Self.decode(Book.self, r)
    }

    public func deleteBook(id: Int) async throws {
        let r = try await authed("DELETE", "/api/books/\(id)/")
        try Self.expect(r, 204, 200)
        seedBooks = nil
    }
}
