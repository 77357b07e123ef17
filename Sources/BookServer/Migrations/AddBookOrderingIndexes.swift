import Fluent
import SQLKit

/// Each sortable column gets an index after the owner, ending in the id that breaks ties, so a
/// sorted page is read from the index instead of sorting all of a user's books per request.
struct AddBookOrderingIndexes: AsyncMigration {
    static let columns = ["title", "author", "published_year", "created_at"]

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for column in Self.columns {
            try await sql.create(index: "books_user_id_\(column)_idx")
                .on(Book.schema).column("user_id").column(column).column("id").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for column in Self.columns {
            let drop = sql.drop(index: "books_user_id_\(column)_idx")
            // MySQL wants the table (`DROP INDEX … ON books`); the others refuse it.
            if MySQLSchema.isMySQL(database) { drop.on("books") }
            try await drop.run()
        }
    }
}
