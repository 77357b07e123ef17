import Foundation

/// What became of one book sent to `importBooks`.
public enum BulkStatus: Equatable, Sendable {
    case created
    /// The user has it already (or an earlier book of the same batch is it).
    case exists
    /// Refused by the server, with its reasons.
    case invalid(String)
}

extension BookClient {
    /// Books a bulk request may carry (the server's limit).
    public static let bulkLimit = 500

    /// Whether the server has our extensions, asking with one small list request when not yet known.
    public func learnExtensions() async throws -> Bool {
        if let extended { return extended }
        _ = try await listBooks(BookQuery(), page: 1, pageSize: 1)
        return extended ?? false
    }

    /// Every book of the user, oldest first, `pageSize` a request; `progress` hears (done, total).
    public func allBooks(pageSize: Int = 500, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> [Book] {
        var books = [Book]()
        var page = 1
        while true {
            let p = try await listBooks(BookQuery(sort: .createdAt), page: page, pageSize: pageSize)
            books += p.results
            progress(books.count, p.count)
            if p.results.isEmpty || books.count >= p.count { return books }
            page += 1
        }
    }

    /// Adds the books that the user does not have yet: one `POST /api/books/bulk/` on our server
    /// (at most `bulkLimit`, saved together), one `POST /api/books/` each on the seed's, which has no
    /// bulk call, after matching them against the user's books here as the server would.
    /// - Returns: one status per draft, in order.
    public func importBooks(_ drafts: [BookDraft]) async throws -> [BulkStatus] {
        precondition(drafts.count <= Self.bulkLimit, "at most \(Self.bulkLimit) books a call")
        guard !drafts.isEmpty else { return [] }
        if try await learnExtensions() { return try await bulkCreate(drafts) }
        let existing = try await listBooks(BookQuery(), page: 1, pageSize: 1_000_000).results
        var matcher = BookMatcher(existing.map(BookDraft.init))
        var statuses = [BulkStatus]()
        for d in drafts {
            if matcher.contains(d) { statuses.append(.exists); continue }
            do {
                _ = try await createBook(d)
                matcher.add(d)
                statuses.append(.created)
            } catch APIError.validation(let f) {
                statuses.append(.invalid(APIError.validation(f).description))
            }
        }
        return statuses
    }

    func bulkCreate(_ drafts: [BookDraft]) async throws -> [BulkStatus] {
        let r = try await authed("POST", "/api/books/bulk/", json: ["books": drafts.map { $0.jsonObject(extended: true) }])
        try Self.expect(r, 201, 200)
        seedBooks = nil
        guard let o = r.json as? [String: Any], let results = o["results"] as? [[String: Any]] else {
            throw APIError.badResponse("bulk answer without results")
        }
        var statuses = [BulkStatus](repeating: .invalid("no answer for this book"), count: drafts.count)
        for item in results {
            guard let i = item["index"] as? Int, statuses.indices.contains(i) else { continue }
            switch item["status"] as? String {
            case "created": statuses[i] = .created
            case "exists": statuses[i] = .exists
            default:
                var f = FieldErrors()
                for (k, v) in item["errors"] as? [String: Any] ?? [:] { f[k] = (v as? [String]) ?? ["\(v)"] }
                statuses[i] = .invalid(APIError.validation(f).description)
            }
        }
        return statuses
    }
}
