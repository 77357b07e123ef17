import Fluent
import Foundation

/// One answer about an ISBN, as fetched: found (with the draft, as JSON) or a miss. Append-only;
/// the newest row for an ISBN is the cached answer.
public final class ISBNLookupRecord: Model, @unchecked Sendable {
    public static let schema = "isbn_lookups"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "isbn") public var isbn: String
    /// The source that answered, or for a miss every source asked, comma-separated.
    @Field(key: "source") public var source: String
    @Field(key: "found") public var found: Bool
    @OptionalField(key: "draft") public var draft: String?
    @Field(key: "fetched_at") public var fetchedAt: Date

    public init() {}
    public init(isbn: String, source: String, found: Bool, draft: String?, fetchedAt: Date) {
        self.isbn = isbn
        self.source = source
        self.found = found
        self.draft = draft
        self.fetchedAt = fetchedAt
    }
}
