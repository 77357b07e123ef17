import Fluent
import SQLKit

/// `users.book_count`: how many books each user has, kept by the database itself with triggers on
/// `books`, so that every way a book is written (the API, bulk import, `import-django`, SQL by hand,
/// a user's cascade delete) keeps it right. A page of an unfiltered list and the profile read it
/// instead of counting a large library's rows on every request (docs/benchmarks.md).
///
/// SQLite has row triggers only; PostgreSQL gets statement triggers over transition tables, so a
/// bulk insert of 500 books updates the owner's row once, not 500 times.
struct AddUserBookCount: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("ALTER TABLE users ADD COLUMN book_count BIGINT NOT NULL DEFAULT 0").run()
        try await sql.raw("UPDATE users SET book_count = (SELECT COUNT(*) FROM books WHERE books.user_id = users.id)").run()
        if sql.dialect.name == "sqlite" {
            try await Self.sqliteTriggers(sql)
        } else if sql.dialect.name == "mysql" {
            // Row triggers, as on SQLite, but BEFORE the row is written: the owner's row is locked for
            // writing before the foreign key check would share-lock it, so two parallel inserts for one
            // owner queue instead of deadlocking (each holding a shared lock, each wanting to write). A
            // failed statement takes its trigger's change back with it. (MySQL fires no trigger for a
            // foreign key's cascade, but a cascade only deletes the books of a user who is gone.)
            try await sql.raw(
                "CREATE TRIGGER books_count_insert BEFORE INSERT ON books FOR EACH ROW "
                    + "UPDATE users SET book_count = book_count + 1 WHERE id = NEW.user_id"
            ).run()
            try await sql.raw(
                "CREATE TRIGGER books_count_delete BEFORE DELETE ON books FOR EACH ROW "
                    + "UPDATE users SET book_count = book_count - 1 WHERE id = OLD.user_id"
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER books_count_move BEFORE UPDATE ON books FOR EACH ROW \
                UPDATE users SET book_count = book_count + (CASE WHEN id = NEW.user_id THEN 1 ELSE -1 END) \
                WHERE OLD.user_id <> NEW.user_id AND id IN (OLD.user_id, NEW.user_id)
                """
            ).run()
        } else {
            // One function for the three statement triggers; each sees the transition tables it declares
            // (PostgreSQL allows no column list on a trigger with transition tables, hence the join).
            try await sql.raw(Self.postgresFunction(version: false)).run()
            try await sql.raw(
                """
                CREATE TRIGGER books_count_insert AFTER INSERT ON books REFERENCING NEW TABLE AS new_books
                  FOR EACH STATEMENT EXECUTE FUNCTION books_count_change()
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER books_count_delete AFTER DELETE ON books REFERENCING OLD TABLE AS old_books
                  FOR EACH STATEMENT EXECUTE FUNCTION books_count_change()
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER books_count_move AFTER UPDATE ON books REFERENCING OLD TABLE AS old_books NEW TABLE AS new_books
                  FOR EACH STATEMENT EXECUTE FUNCTION books_count_change()
                """
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for trigger in ["books_count_insert", "books_count_delete", "books_count_move"] {
            let drop: SQLQueryString =
                sql.dialect.name == "sqlite" || sql.dialect.name == "mysql"
                ? "DROP TRIGGER \(unsafeRaw: trigger)"
                : "DROP TRIGGER \(unsafeRaw: trigger) ON books"
            try await sql.raw(drop).run()
        }
        if sql.dialect.name == "postgresql" { try await sql.raw("DROP FUNCTION books_count_change()").run() }
        try await sql.raw("ALTER TABLE users DROP COLUMN book_count").run()
    }

    /// The row triggers on SQLite (`AddBookVersion` replaces them, and puts them back when reverted).
    static func sqliteTriggers(_ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            CREATE TRIGGER books_count_insert AFTER INSERT ON books BEGIN
              UPDATE users SET book_count = book_count + 1 WHERE id = NEW.user_id;
            END
            """
        ).run()
        try await sql.raw(
            """
            CREATE TRIGGER books_count_delete AFTER DELETE ON books BEGIN
              UPDATE users SET book_count = book_count - 1 WHERE id = OLD.user_id;
            END
            """
        ).run()
        try await sql.raw(
            """
            CREATE TRIGGER books_count_move AFTER UPDATE OF user_id ON books WHEN OLD.user_id <> NEW.user_id BEGIN
              UPDATE users SET book_count = book_count - 1 WHERE id = OLD.user_id;
              UPDATE users SET book_count = book_count + 1 WHERE id = NEW.user_id;
            END
            """
        ).run()
    }

    /// The function of PostgreSQL's three statement triggers; with `version`, it also changes
    /// `users.books_version` (`AddBookVersion`) for every write to a user's books.
    static func postgresFunction(version: Bool) -> SQLQueryString {
        let bump = version ? ", books_version = users.books_version + 1" : ""
        // An edit that moves no book between users still changes its owner's version.
        let edits =
            version
            ? "UPDATE users SET books_version = users.books_version + 1 "
                + "WHERE id IN (SELECT user_id FROM old_books UNION SELECT user_id FROM new_books);"
            : ""
        return """
            CREATE OR REPLACE FUNCTION books_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                UPDATE users SET book_count = users.book_count + d.n\(unsafeRaw: bump)
                  FROM (SELECT user_id, COUNT(*) AS n FROM new_books GROUP BY user_id) AS d WHERE users.id = d.user_id;
              ELSIF TG_OP = 'DELETE' THEN
                UPDATE users SET book_count = users.book_count - d.n\(unsafeRaw: bump)
                  FROM (SELECT user_id, COUNT(*) AS n FROM old_books GROUP BY user_id) AS d WHERE users.id = d.user_id;
              ELSE
                \(unsafeRaw: edits)
                -- Only books that changed owner count; an edit of a title touches no count.
                UPDATE users SET book_count = users.book_count + d.n
                  FROM (SELECT user_id, SUM(n) AS n FROM (
                          SELECT o.user_id, -1 AS n FROM old_books o JOIN new_books b ON b.id = o.id WHERE b.user_id <> o.user_id
                          UNION ALL
                          SELECT b.user_id, 1 FROM old_books o JOIN new_books b ON b.id = o.id WHERE b.user_id <> o.user_id
                        ) AS moves GROUP BY user_id) AS d
                  WHERE users.id = d.user_id;
              END IF;
              RETURN NULL;
            END $$
            """
    }
}
