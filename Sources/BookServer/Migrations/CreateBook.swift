import Fluent
import SQLKit

struct CreateBook: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Book.schema)
            .field("id", .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("author", .string, .required)
            .field("published_year", .int, .required)
            .field("is_available", .bool, .required)
            .field("isbn", .string)
            .field("publisher", .string)
            .field("pages", .int)
            .field("notes", .string)
            .field("search_text", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        // Notes hold up to 10,000 characters, the search column all of title, author and ISBNs.
        // Limits count characters as people see them (a flag is one, and two code points): title and
        // author get room for 760 code points, as much as their (owner, column, id) indexes fit.
        try await MySQLSchema.widen(
            Book.schema,
            [
                "title": "VARCHAR(760) NOT NULL", "author": "VARCHAR(760) NOT NULL", "publisher": "VARCHAR(1020)",
                "notes": "TEXT", "search_text": "TEXT NOT NULL",
            ], on: database)
        // Every list query filters by owner first; the id breaks ties in stable paging.
        try await (database as! any SQLDatabase).create(index: "books_user_id_id_idx")
            .on(Book.schema).column("user_id").column("id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Book.schema).delete()
    }
}
