import Fluent
import SQLKit

/// On PostgreSQL, a trigram index (`pg_trgm`) on `books.search_text`, so that a search (a
/// substring: `LIKE '%term%'`, see `BookQueries.searchPredicate`) over a large library reads the
/// books that can match instead of every book of the user. `pg_trgm` ships with PostgreSQL and is a
/// trusted extension (PostgreSQL 13+): the database's owner may create it. Where the server's role
/// may not, search still works, without the index, and the log says so once. SQLite: nothing.
struct AddSearchTrigramIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        guard sql.dialect.name == "postgresql" else { return }
        do {
            try await sql.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm").run()
        } catch {
            database.logger.warning(
                """
                search index: the pg_trgm extension could not be created (\(String(reflecting: error))); \
                search works without it. To add the index later, as a superuser: CREATE EXTENSION pg_trgm; CREATE INDEX books_search_trgm ON books USING gin (search_text gin_trgm_ops);
                """)
            return
        }
        try await sql.raw("CREATE INDEX IF NOT EXISTS books_search_trgm ON books USING gin (search_text gin_trgm_ops)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        guard sql.dialect.name == "postgresql" else { return }
        try await sql.raw("DROP INDEX IF EXISTS books_search_trgm").run()
    }
}
