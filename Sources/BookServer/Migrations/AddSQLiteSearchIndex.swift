import Fluent
import SQLKit

/// On SQLite, an FTS5 index of `books.search_text` with the trigram tokenizer, so that a search (a
/// substring of the folded text, see `BookQueries.searchPredicate`) over a large library reads the
/// books that can match instead of every book of the user: what `AddSearchTrigramIndex` does on
/// PostgreSQL. `search_text` is folded already, so the index is case-sensitive and queried with
/// GLOB, which the trigram tokenizer serves exactly. An external-content table: the text is not
/// stored twice; triggers keep the index in step with every write to `books`.
struct AddSQLiteSearchIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        guard sql.dialect.name == "sqlite" else { return }
        try await sql.raw(
            """
            CREATE VIRTUAL TABLE books_search USING fts5(search_text, content='books', content_rowid='id', \
            tokenize='trigram case_sensitive 1')
            """
        ).run()
        try await sql.raw("INSERT INTO books_search(books_search) VALUES ('rebuild')").run()
        try await sql.raw(
            """
            CREATE TRIGGER books_search_insert AFTER INSERT ON books BEGIN
              INSERT INTO books_search(rowid, search_text) VALUES (NEW.id, NEW.search_text);
            END
            """
        ).run()
        try await sql.raw(
            """
            CREATE TRIGGER books_search_delete AFTER DELETE ON books BEGIN
              INSERT INTO books_search(books_search, rowid, search_text) VALUES ('delete', OLD.id, OLD.search_text);
            END
            """
        ).run()
        try await sql.raw(
            """
            CREATE TRIGGER books_search_update AFTER UPDATE OF search_text ON books BEGIN
              INSERT INTO books_search(books_search, rowid, search_text) VALUES ('delete', OLD.id, OLD.search_text);
              INSERT INTO books_search(rowid, search_text) VALUES (NEW.id, NEW.search_text);
            END
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        guard sql.dialect.name == "sqlite" else { return }
        for trigger in ["books_search_insert", "books_search_delete", "books_search_update"] {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger)").run()
        }
        try await sql.raw("DROP TABLE IF EXISTS books_search").run()
    }
}
