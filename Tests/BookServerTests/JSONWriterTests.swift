import BookModel
import Foundation
import NIOCore
import Testing

@testable import BookServer

/// `JSONWriter` must write what our `JSONEncoder` (as `configure` sets it up) writes: each string
/// and date byte for byte (the escaping rules), and each document with the same members and values.
/// Whole documents are compared parsed, because this `JSONEncoder` writes an object's keys in no
/// fixed order (the writer keeps the declared order).
@Suite struct JSONWriterTests {
    static let tricky = [
        "", "plain", "a/b", "quote \" and backslash \\", "tab\tnew\nline\rret", "\u{08}\u{0C}", "\u{00}\u{01}\u{1F}\u{7F}",
        "Zoë Ŵ 漢字 😀 e\u{301}", "</script>", "\u{2028}\u{2029}", "emoji 👩‍👩‍👧 flag 🇩🇪", "\\/\"",
    ]
    static let dates: [Date?] = [
        nil, Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1.999), Date(timeIntervalSince1970: 1_764_748_800.5),
        Date(timeIntervalSince1970: 951_782_400), Date(timeIntervalSince1970: 4_107_542_399.999_999),
        Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: -86_400.25), Date(timeIntervalSince1970: -2_208_988_800),
        Date(timeIntervalSince1970: 1_709_164_800 + 86_399), Date(timeIntervalSinceReferenceDate: 0),
    ]

    func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func written(_ value: some JSONWritable) -> String {
        var json = JSONWriter(capacity: 16)
        value.write(to: &json)
        return text(json)
    }

    func text(_ json: JSONWriter) -> String { json.buffer.getString(at: 0, length: json.buffer.readableBytes) ?? "" }

    /// The document parsed, so that two writings with their keys in another order compare equal.
    func parsed(_ text: String) throws -> NSObject {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as! NSObject
    }

    func sameDocument(_ value: some JSONWritable & Encodable) throws -> Bool {
        try parsed(written(value)) == parsed(encoded(value))
    }

    @Test func stringsEscapedAsTheEncoderEscapesThem() throws {
        for string in Self.tricky {
            var json = JSONWriter(capacity: 4)
            json.string(string)
            #expect(text(json) == (try encoded([string])).dropFirst().dropLast(), "\(Array(string.unicodeScalars))")
        }
    }

    @Test func integersAsTheEncoderWritesThem() throws {
        for value in [0, 7, -7, 10, 99, 100, -100, 1965, 1_234_567_890, Int.max, Int.min] {
            var json = JSONWriter(capacity: 4)
            json.int(value)
            #expect(text(json) == String(value))
        }
    }

    @Test func datesAsTheEncoderWritesThem() throws {
        for date in Self.dates {
            var json = JSONWriter(capacity: 4)
            json.date(date)
            #expect(text(json) == (try encoded([date])).dropFirst().dropLast(), "\(String(describing: date))")
        }
    }

    @Test func keysInTheDeclaredOrder() {
        let json = written(book(1, "t", nil))
        let keys = [
            "id", "title", "author", "published_year", "user", "is_available", "isbn", "publisher", "pages",
            "notes", "created_at", "updated_at",
        ]
        let positions = keys.map { json.range(of: "\"\($0)\":")?.lowerBound }
        #expect(!positions.contains(nil))
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
    }

    func book(_ n: Int, _ text: String, _ date: Date?) -> BookDTO {
        var book = BookDTO(id: n, user: 7, values: Array(repeating: nil, count: BookField.all.count))
        book[.title] = .text(text)
        book[.author] = .text("by " + text)
        book[.publishedYear] = .number(1900 + n)
        book[.isAvailable] = .flag(n % 2 == 0)
        book[.isbn] = n % 3 == 0 ? nil : .text("978000000000\(n % 10)")
        book[.publisher] = n % 2 == 0 ? nil : .text(text)
        book[.pages] = n % 2 == 0 ? nil : .number(n * 10)
        book[.notes] = .text(text)
        book.created_at = date
        book.updated_at = n % 2 == 0 ? nil : date
        return book
    }

    @Test func booksAsTheEncoderWritesThem() throws {
        for (n, text) in Self.tricky.enumerated() {
            for date in Self.dates {
                let value = book(n, text, date)
                #expect(try sameDocument(value))
            }
        }
    }

    @Test func listsAndPages() throws {
        let books = Self.tricky.enumerated().map { book($0.offset, $0.element, Self.dates[$0.offset % Self.dates.count]) }
        #expect(try sameDocument(books))
        #expect(written([BookDTO]()) == (try encoded([BookDTO]())))
        let page = PageDTO(count: 1234, next: "http://h/api/books/?page_size=50&page=3", previous: nil, results: books)
        #expect(try sameDocument(page))
        let empty = PageDTO<BookDTO>(count: 0, next: nil, previous: "http://h/?search=a%20b&page=1", results: [])
        #expect(try sameDocument(empty))
    }

    @Test func profiles() throws {
        for (n, text) in Self.tricky.enumerated() {
            let profile = ProfileDTO(
                id: n, username: text, email: "\(n)@example.org", first_name: text, last_name: "",
                date_joined: Self.dates[n % Self.dates.count], last_login: Self.dates[(n + 3) % Self.dates.count],
                book_count: n * 1000, roles: n % 2 == 0 ? [] : ["librarian", text], auth_source: "local",
                pending_email: n % 3 == 0 ? nil : text)
            #expect(try sameDocument(profile))
        }
    }
}
