import Fluent
import SQLKit

/// On SQLite, `INTEGER PRIMARY KEY` without `AUTOINCREMENT` hands the id of a deleted highest user
/// to the next one. This rebuilds `users` with `AUTOINCREMENT` (SQLite's documented 12-step table
/// change, foreign keys off meanwhile so nothing cascades), so an id is never given out twice.
/// PostgreSQL's identity columns draw from a sequence and never reuse ids: nothing to do there.
struct SQLiteKeepUserIDs: AsyncMigration {
    struct Problem: Error, CustomStringConvertible { var description: String }

    func prepare(on database: any Database) async throws {
        guard (database as? any SQLDatabase)?.dialect.name == "sqlite" else { return }
        try await database.withConnection { connection in
            let sql = connection as! any SQLDatabase
            let rows = try await sql.raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'").all()
            guard let ddl = try rows.first?.decode(column: "sql", as: String.self) else {
                throw Problem(description: "SQLiteKeepUserIDs: there is no users table to rebuild")
            }
            if ddl.uppercased().contains("AUTOINCREMENT") { return }
            let rebuilt =
                ddl
                .replacingOccurrences(of: "CREATE TABLE \"users\"", with: "CREATE TABLE \"users_rebuilt\"")
                .replacingOccurrences(of: "\"id\" INTEGER PRIMARY KEY", with: "\"id\" INTEGER PRIMARY KEY AUTOINCREMENT")
            guard rebuilt.contains("users_rebuilt"), rebuilt.contains("AUTOINCREMENT") else {
                throw Problem(description: "SQLiteKeepUserIDs: unexpected users table, not rebuilt: \(ddl)")
            }
            try await sql.raw("PRAGMA foreign_keys = OFF").run()
            do {
                try await sql.raw("BEGIN").run()
                try await sql.raw(SQLQueryString(rebuilt)).run()
                try await sql.raw("INSERT INTO users_rebuilt SELECT * FROM users").run()
                try await sql.raw("DROP TABLE users").run()
                try await sql.raw("ALTER TABLE users_rebuilt RENAME TO users").run()
                let broken = try await sql.raw("PRAGMA foreign_key_check").all()
                guard broken.isEmpty else { throw Problem(description: "SQLiteKeepUserIDs: foreign keys broken by the rebuild") }
                try await sql.raw("COMMIT").run()
            } catch {
                try? await sql.raw("ROLLBACK").run()
                try? await sql.raw("PRAGMA foreign_keys = ON").run()
                throw error
            }
            try await sql.raw("PRAGMA foreign_keys = ON").run()
        }
    }

    func revert(on database: any Database) async throws {}
}
