import Foundation
import Vapor

/// A book as the API shows it: the seed's fields, then ours. Optional fields are sent as `null`.
struct BookDTO: Content {
    var id: Int
    var title: String
    var author: String
    var published_year: Int
    var user: Int
    var is_available: Bool
    var isbn: String?
    var publisher: String?
    var pages: Int?
    var notes: String?
    var created_at: Date?
    var updated_at: Date?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(author, forKey: .author)
        try c.encode(published_year, forKey: .published_year)
        try c.encode(user, forKey: .user)
        try c.encode(is_available, forKey: .is_available)
        try c.encode(isbn, forKey: .isbn)
        try c.encode(publisher, forKey: .publisher)
        try c.encode(pages, forKey: .pages)
        try c.encode(notes, forKey: .notes)
        try c.encode(created_at, forKey: .created_at)
        try c.encode(updated_at, forKey: .updated_at)
    }
}

extension BookDTO {
    init(_ book: Book) {
        id = book.id!
        title = book.title
        author = book.author
        published_year = book.publishedYear
        user = book.$owner.id
        is_available = book.isAvailable
        isbn = book.isbn
        publisher = book.publisher
        pages = book.pages
        notes = book.notes
        created_at = book.createdAt
        updated_at = book.updatedAt
    }
}

/// A page of results in Django REST framework's `PageNumberPagination` shape.
struct PageDTO<Item: Content>: Content {
    var count: Int
    var next: String?
    var previous: String?
    var results: [Item]

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count, forKey: .count)
        try c.encode(next, forKey: .next)
        try c.encode(previous, forKey: .previous)
        try c.encode(results, forKey: .results)
    }
}
