import Fluent
import SQLKit

/// Search became accent-insensitive and learnt the ISBN-10 of every ISBN-13 (`SearchText`): the
/// stored search column of existing books is computed again, a batch of ids at a time.
struct RefoldSearchText: AsyncMigration {
    struct Row: Decodable { let id: Int; let title: String; let author: String; let isbn: String? }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        var after = 0
        while true {
            let rows = try await sql.select().columns("id", "title", "author", "isbn").from(Book.schema)
                .where("id", .greaterThan, after).orderBy("id").limit(1000).all(decoding: Row.self)
            guard let last = rows.last else { return }
            // One transaction a batch: one commit (one sync to disk) per thousand rows.
            try await database.transaction { tx in
                let sql = tx as! any SQLDatabase
                for r in rows {
                    try await sql.update(Book.schema)
                        .set("search_text", to: SearchText.of(title: r.title, author: r.author, isbn: r.isbn))
                        .where("id", .equal, r.id).run()
                }
            }
            after = last.id
        }
    }

    /// The old form (lower case only) is a subset of what the new one finds: nothing to undo.
    func revert(on database: any Database) async throws {}
}
