import BookModel
import Vapor

/// `/api/lookup/isbn/<isbn>/`: a book draft from the configured sources (Open Library, library
/// catalogues over Z39.50 or SRU), for any signed-in user.
struct LookupController {
    @Sendable func isbn(req: Request) async throws -> LookupDraft {
        let principal = try req.principal
        try req.application.policy.authorize(.lookUpISBN, principal)
        let raw = req.parameters.get("isbn") ?? ""
        let isbn13: String
        switch ISBN.normalize(raw.removingPercentEncoding ?? raw) {
        case .success(let digits): isbn13 = digits
        case .failure(let problem): throw FieldErrors("isbn", problem.description)
        }
        guard let lookup = req.application.isbnLookup else {
            throw APIError(.notFound, "This server looks up no ISBNs (ISBN_SOURCES is empty).")
        }
        switch try await lookup.lookup(isbn13, db: req.db, client: req.application.client) {
        case .found(let draft):
            return draft
        case .notFound(let failures):
            var detail = "No source knows the ISBN \(isbn13)."
            if !failures.isEmpty { detail += " Not asked, as they failed: " + Self.list(failures) + "." }
            throw APIError(.notFound, detail, messages: Self.messages(failures))
        case .unavailable(let failures):
            throw APIError(
                .serviceUnavailable, "No ISBN source could be asked: " + Self.list(failures) + ".",
                code: "lookup_unavailable", messages: Self.messages(failures), headers: ["Retry-After": "60"])
        }
    }

    private static func list(_ failures: [(source: String, problem: String)]) -> String {
        failures.map { "\($0.source): \($0.problem)" }.joined(separator: "; ")
    }

    private static func messages(_ failures: [(source: String, problem: String)]) -> [[String: String]]? {
        failures.isEmpty ? nil : failures.map { ["source": $0.source, "message": $0.problem] }
    }
}
