import Fluent
import SQLKit

/// The lookup cache: what each source answered about an ISBN, and when.
struct CreateISBNLookup: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ISBNLookupRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("isbn", .string, .required)
            .field("source", .string, .required)
            .field("found", .bool, .required)
            .field("draft", .string)
            .field("fetched_at", .datetime, .required)
            .create()
        try await MySQLSchema.widen(ISBNLookupRecord.schema, ["draft": "MEDIUMTEXT"], on: database)
        // A lookup reads the newest row of one ISBN.
        try await (database as! any SQLDatabase).create(index: "isbn_lookups_isbn_fetched_at_idx")
            .on(ISBNLookupRecord.schema).column("isbn").column("fetched_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ISBNLookupRecord.schema).delete()
    }
}
