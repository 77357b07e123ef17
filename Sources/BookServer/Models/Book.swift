import BookModel
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

extension Book {
    /// The value of `field`'s column, nil where it is empty.
    func get(_ field: BookField) -> BookValue? {
        switch field.name {
        case BookField.title.name: .text(title)
        case BookField.author.name: .text(author)
        case BookField.publishedYear.name: .number(publishedYear)
        case BookField.isAvailable.name: .flag(isAvailable)
        case BookField.isbn.name: isbn.map(BookValue.text)
        case BookField.publisher.name: publisher.map(BookValue.text)
        case BookField.pages.name: pages.map(BookValue.number)
        case BookField.notes.name: notes.map(BookValue.text)
        default: nil
        }
    }

    /// Sets the column of `field` (`BookField.all`): the one place a field meets its column.
    /// False for a field this model has no column for (a test holds every field to it).
    @discardableResult
    func set(_ field: BookField, _ value: BookValue?) -> Bool {
        switch field.name {
        case BookField.title.name: title = value?.text ?? title
        case BookField.author.name: author = value?.text ?? author
        case BookField.publishedYear.name: publishedYear = value?.number ?? publishedYear
        case BookField.isAvailable.name: isAvailable = value?.flag ?? false
        case BookField.isbn.name: isbn = value?.text
        case BookField.publisher.name: publisher = value?.text
        case BookField.pages.name: pages = value?.number
        case BookField.notes.name: notes = value?.text
        default: return false
        }
        return true
    }
}
