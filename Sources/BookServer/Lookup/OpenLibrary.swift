import Foundation
import Vapor

/// Open Library's Books API: `GET /api/books?bibkeys=ISBN:…&jscmd=data&format=json`, answered with an
/// object keyed by the bibkeys it knows (empty when it knows none).
struct OpenLibrary {
    var baseURL: String

    private struct Named: Decodable { var name: String? }
    private struct Book: Decodable {
        var title: String?
        var subtitle: String?
        var authors: [Named]?
        var publishers: [Named]?
        var publish_date: String?
        var number_of_pages: Int?
        var subjects: [Named]?
    }

    /// Asks for the ISBN-13 and, when there is one, the ISBN-10 of the same book in one request.
    func lookup(_ isbns: [String], isbn13: String, client: any Client, timeout: Double) async -> SourceAnswer {
        let keys = isbns.map { "ISBN:\($0)" }.joined(separator: ",")
        let url = URI(string: "\(baseURL)/api/books?bibkeys=\(keys)&jscmd=data&format=json")
        let response: ClientResponse
        do {
            response = try await client.get(
                url,
                headers: [
                    "User-Agent": "book-server (booktui ISBN lookup)",
                    "Accept": "application/json",
                ]
            ) { request in
                request.timeout = .milliseconds(Int64(timeout * 1000))
            }
        } catch {
            return .failed(Self.describe(error))
        }
        guard response.status == .ok else { return .failed("answered HTTP \(response.status.code)") }
        guard let body = response.body,
            let answer = try? JSONDecoder().decode([String: Book].self, from: Data(body.readableBytesView))
        else {
            return .failed("answered something that is not the Books API's JSON")
        }
        guard let book = keys.split(separator: ",").lazy.compactMap({ answer[String($0)] }).first else { return .notFound }
        guard let title = DraftText.clean(book.title) else { return .failed("answered a book without a title") }
        let authors = (book.authors ?? []).compactMap { DraftText.clean($0.name) }
        return .found(
            LookupDraft(
                isbn: isbn13, title: title, subtitle: DraftText.clean(book.subtitle), authors: DraftText.unique(authors),
                publisher: book.publishers?.lazy.compactMap({ DraftText.clean($0.name) }).first,
                publishedYear: DraftText.year(book.publish_date), pages: book.number_of_pages,
                subjects: DraftText.unique((book.subjects ?? []).compactMap { DraftText.clean($0.name) }),
                source: LookupSource.openLibrary.description))
    }

    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("deadlineExceeded") || text.contains("readTimeout") || text.contains("connectTimeout") {
            return "no answer in time"
        }
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return "request failed: \(text.prefix(200))"
    }
}
