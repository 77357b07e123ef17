import Foundation
import Testing

@testable import BookClient

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Answers turned into typed results and errors")
struct ResponseTests {
    func reply(_ status: Int, _ body: String, headers: [String: String] = [:]) -> BookClient.Reply {
        let h = HTTPURLResponse(
            url: URL(string: "http://h/")!, statusCode: status, httpVersion: "HTTP/1.1", headerFields: headers)!
        return BookClient.Reply(status: status, data: Data(body.utf8), headers: h)
    }

    @Test func fieldErrorsKeepTheirNames() {
        let e = BookClient.error(from: reply(400, #"{"title": ["Too long."], "published_year": "Bad year."}"#))
        #expect(e == .validation(["title": ["Too long."], "published_year": ["Bad year."]]))
        #expect(e.messages(for: "title") == ["Too long."])
    }

    @Test func statusCodesAreDistinct() {
        #expect(
            BookClient.error(from: reply(401, #"{"detail": "No active account found with the given credentials"}"#))
                == .unauthorized("No active account found with the given credentials"))
        // A refused token's reason, as the server gave it, after the generic detail.
        let refused =
            #"{"detail": "Given token not valid for any token type", "code": "token_not_valid","#
            + #""messages": [{"token_class": "AccessToken", "message": "Token audience is not accepted"}]}"#
        #expect(
            BookClient.error(from: reply(401, refused))
                == .unauthorized("Given token not valid for any token type: Token audience is not accepted"))
        #expect(BookClient.error(from: reply(403, #"{"detail": "no"}"#)) == .forbidden("no"))
        #expect(BookClient.error(from: reply(404, #"{"detail": "Not found."}"#)) == .notFound("Not found."))
        #expect(BookClient.error(from: reply(429, "{}", headers: ["Retry-After": "42"])) == .rateLimited(retryAfter: 42))
        #expect(BookClient.error(from: reply(500, "oops")) == .http(status: 500, message: ""))
    }

    @Test func expiryIsReadFromTheToken() {
        // {"exp": 2000000000}
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjIwMDAwMDAwMDB9.sig"
        #expect(JWTClaims.expiry(token) == Date(timeIntervalSince1970: 2_000_000_000))
        #expect(JWTClaims.expiry("garbage") == nil)
    }

    @Test("the seed's plain arrays are searched, filtered, sorted and paged here")
    func seedArrays() {
        let books = (1...25).map {
            Book(
                id: $0, title: "Book \(26 - $0)", author: $0 % 2 == 0 ? "Even" : "Odd",
                publishedYear: 1900 + $0, isAvailable: $0 % 2 == 0)
        }
        let p1 = BookClient.localPage(books, BookQuery(), page: 1, pageSize: 10)
        #expect(p1.count == 25 && p1.results.count == 10 && p1.results[0].title == "Book 1")
        let p3 = BookClient.localPage(books, BookQuery(), page: 3, pageSize: 10)
        #expect(p3.results.count == 5)
        let avail = BookClient.localPage(books, BookQuery(availableOnly: true), page: 1, pageSize: 100)
        #expect(avail.count == 12 && avail.results.allSatisfy(\.isAvailable))
        let search = BookClient.localPage(books, BookQuery(search: "book 2"), page: 1, pageSize: 100)
        #expect(
            search.results.map(\.title).sorted() == ["Book 2", "Book 20", "Book 21", "Book 22", "Book 23", "Book 24", "Book 25"])
        let byYearDesc = BookClient.localPage(books, BookQuery(sort: .publishedYear, descending: true), page: 1, pageSize: 3)
        #expect(byYearDesc.results.map(\.publishedYear) == [1925, 1924, 1923])
    }

    @Test func bookJSONWithAndWithoutExtensions() throws {
        let seed = #"{"id": 1, "title": "T", "author": "A", "published_year": 1999, "user": 3, "is_available": true}"#
        let b = try BookClient.decoder.decode(Book.self, from: Data(seed.utf8))
        #expect(b.isbn == nil && b.isAvailable && b.user == 3)
        let ours =
            #"{"id": 2, "title": "T", "author": "A", "published_year": 1999, "is_available": false, "isbn": "9780441172719", "pages": 10, "created_at": "2026-01-01T00:00:00Z"}"#
        let o = try BookClient.decoder.decode(Book.self, from: Data(ours.utf8))
        #expect(o.isbn == "9780441172719" && o.pages == 10 && o.createdAt != nil)
        let draft = BookDraft(o)
        #expect(draft.jsonObject(extended: false).keys.sorted() == ["author", "is_available", "published_year", "title"])
        #expect(draft.jsonObject(extended: true).keys.contains("isbn"))
    }
}
