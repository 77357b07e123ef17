import Fluent
import SQLKit

/// On SQLite and PostgreSQL, `users.books_version`: a number that changes with every write to the
/// user's books (insert, update, delete, by any path: triggers), so that what was learnt of the
/// order of a library (`PageBookmarks`) is known to still hold. The book-count triggers of
/// `AddUserBookCount` keep both: on SQLite they are replaced by ones that do so in one update of the
/// owner's row, on PostgreSQL their function is.
struct AddBookVersion: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("ALTER TABLE users ADD COLUMN books_version BIGINT NOT NULL DEFAULT 0").run()
            try await sql.raw(AddUserBookCount.postgresFunction(version: true)).run()
            return
        }
        guard sql.dialect.name == "sqlite" else { return }
        try await sql.raw("ALTER TABLE users ADD COLUMN books_version INTEGER NOT NULL DEFAULT 0").run()
        for trigger in ["books_count_insert", "books_count_delete", "books_count_move"] {
            try await sql.raw("DROP TRIGGER \(unsafeRaw: trigger)").run()
        }
        try await sql.raw(
            """
            CREATE TRIGGER books_count_insert AFTER INSERT ON books BEGIN
              UPDATE users SET book_count = book_count + 1, books_version = books_version + 1 WHERE id = NEW.user_id;
            END
            """
        ).run()
        try await sql.raw(
            """
            CREATE TRIGGER books_count_delete AFTER DELETE ON books BEGIN
              UPDATE users SET book_count = book_count - 1, books_version = books_version + 1 WHERE id = OLD.user_id;
            END
            """
        ).run()
        try await sql.raw(
            """
            CREATE TRIGGER books_count_move AFTER UPDATE ON books BEGIN
              UPDATE users SET book_count = book_count + (NEW.user_id <> OLD.user_id) * (CASE WHEN id = NEW.user_id THEN 1 ELSE -1 END),
                books_version = books_version + 1
                WHERE id IN (OLD.user_id, NEW.user_id);
            END
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw(AddUserBookCount.postgresFunction(version: false)).run()
            try await sql.raw("ALTER TABLE users DROP COLUMN books_version").run()
            return
        }
        guard sql.dialect.name == "sqlite" else { return }
        for trigger in ["books_count_insert", "books_count_delete", "books_count_move"] {
            try await sql.raw("DROP TRIGGER \(unsafeRaw: trigger)").run()
        }
        try await AddUserBookCount.sqliteTriggers(sql)
        try await sql.raw("ALTER TABLE users DROP COLUMN books_version").run()
    }
}
