import Fluent
import Foundation

/// A book record, owned by the user who created it.
public final class Book: Model, @unchecked Sendable {
    public static let schema = "books"

    // managed
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    // data
    @Field(key: "title") public var title: String
    @Field(key: "author") public var author: String
    @Field(key: "published_year") public var publishedYear: Int
    @Field(key: "is_available") public var isAvailable: Bool
    /// ISBN-13 digits, no hyphens.
    @OptionalField(key: "isbn") public var isbn: String?
    @OptionalField(key: "publisher") public var publisher: String?
    @OptionalField(key: "pages") public var pages: Int?
    @OptionalField(key: "notes") public var notes: String?
    /// Title, author and ISBN folded for search (`SearchText`), alike on every database.
    @Field(key: "search_text") public var searchText: String

    // relationships
    @Parent(key: "user_id") public var owner: User

    public init() {}

    func refreshSearchText() {
        searchText = SearchText.of(title: title, author: author, isbn: isbn)
    }
}
