import BookModel
import Fluent
import MariaDBKit
import SQLKit
import Vapor

/// `POST /api/books/bulk/`: many books in one request, for imports. The body is
/// `{"books": [<book>, ...]}` (at most `maxBooks`); each item is checked as `POST /api/books/` checks
/// one, and the answer says per item what became of it: `created` (with its id), `exists` (with the
/// id of the book it matches) or `invalid` (with field errors). The valid ones are saved in one
/// transaction, by multi-row inserts. A book matches one of the user's books, or an earlier item of
/// the same request, by ISBN, else (when either has no ISBN) by title + author + year, with case
/// and accents folded as search folds them. Sending the same books again therefore adds nothing.
struct BookBulkController {
    static let maxBooks = 500
    /// Rows per INSERT statement: 13 binds each, well below SQLite's and PostgreSQL's limits.
    static let rowsPerInsert = 250

    /// What identifies a book for matching: its ISBN-13, and its folded title and author with the year.
    struct Key: Hashable {
        var titleAuthor: String
        var year: Int
    }

    /// The user's books (or those of this request seen so far), as ids by ISBN and by title key.
    struct Known {
        var byISBN: [String: Int] = [:]
        /// Books without an ISBN and books with one, by title key: either side lacking an ISBN matches.
        var withoutISBN: [Key: Int] = [:]
        var withISBN: [Key: Int] = [:]

        mutating func add(id: Int, key: Key, isbn: String?) {
            if let isbn {
                if byISBN[isbn] == nil { byISBN[isbn] = id }
                if withISBN[key] == nil { withISBN[key] = id }
            } else if withoutISBN[key] == nil {
                withoutISBN[key] = id
            }
        }

        func match(key: Key, isbn: String?) -> Int? {
            if let isbn {
                return byISBN[isbn] ?? withoutISBN[key]
            }
            return withoutISBN[key] ?? withISBN[key]
        }
    }

    static func key(title: String, author: String, year: Int) -> Key {
        Key(titleAuthor: SearchText.fold(title) + "\u{1F}" + SearchText.fold(author), year: year)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let principal = try req.principal
        try req.application.policy.authorize(.createBook, principal)
        let items = try Self.items(try req.inputObject())

        var results = [BulkItemDTO]()
        results.reserveCapacity(items.count)
        var known = try await Self.known(ownerID: principal.userID, on: req.db)
        // Index in `fresh` of the new book an item matched, for items that repeat an earlier one.
        var pendingMatch = [Int: Int]()
        var fresh = [Book]()
        let now = Date()
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                results.append(
                    BulkItemDTO(
                        index: index, status: "invalid",
                        errors: ["non_field_errors": ["Invalid data. Expected a dictionary, but got \(item.typeName)."]]))
                continue
            }
            let book = Book()
            book.$owner.id = principal.userID
            do {
                try BookInput.apply(object, to: book, partial: false)
            } catch let e as FieldErrors {
                results.append(BulkItemDTO(index: index, status: "invalid", errors: e.fields))
                continue
            }
            let key = Self.key(title: book.title, author: book.author, year: book.publishedYear)
            if let id = known.match(key: key, isbn: book.isbn) {
                if id < 0 { pendingMatch[results.count] = -id - 1 }
                results.append(BulkItemDTO(index: index, status: "exists", id: id < 0 ? nil : id))
                continue
            }
            // New books are known by a negative placeholder until the insert gives them ids.
            known.add(id: -fresh.count - 1, key: key, isbn: book.isbn)
            book.createdAt = now
            book.updatedAt = now
            fresh.append(book)
            pendingMatch[results.count] = fresh.count - 1
            results.append(BulkItemDTO(index: index, status: "created"))
        }

        let ids = try await Self.insert(fresh, on: req.db)
        for (resultIndex, freshIndex) in pendingMatch { results[resultIndex].id = ids[freshIndex] }
        let count = { (status: String) in results.filter { $0.status == status }.count }
        let body = BulkResultDTO(created: fresh.count, exists: count("exists"), invalid: count("invalid"), results: results)
        let response = Response(status: fresh.isEmpty ? .ok : .created)
        try response.content.encode(body, as: .json)
        return response
    }

    /// The `books` array of the body, within the size limit.
    static func items(_ object: [String: JSONValue]) throws -> [JSONValue] {
        guard let value = object["books"] else { throw FieldErrors("books", "This field is required.") }
        guard case .array(let items) = value else {
            throw FieldErrors("books", "Expected a list of items but got type \"\(value.typeName)\".")
        }
        if items.isEmpty { throw FieldErrors("books", "This list may not be empty.") }
        if items.count > maxBooks {
            throw APIError(
                .payloadTooLarge, "At most \(maxBooks) books a request; this one has \(items.count). Send them in batches.",
                code: "too_many_books")
        }
        return items
    }

    /// What the user already has, for matching.
    static func known(ownerID: Int, on db: any Database) async throws -> Known {
        let rows = try await BookQueries.sql(db).select().columns("id", "isbn", "search_text", "published_year")
            .from(Book.schema).where(SQLColumn("user_id"), .equal, SQLBind(ownerID)).all()
        var known = Known()
        for row in rows {
            // `search_text` begins with the folded title and author (`SearchText.of`): no folding here.
            let folded = try row.decode(column: "search_text", as: String.self).split(
                separator: "\u{1F}", maxSplits: 2, omittingEmptySubsequences: false)
            let key = Key(
                titleAuthor: folded.prefix(2).joined(separator: "\u{1F}"),
                year: try row.decode(column: "published_year", as: Int.self))
            known.add(
                id: try row.decode(column: "id", as: Int.self), key: key,
                isbn: try row.decode(column: "isbn", as: String?.self))
        }
        return known
    }

    static let insertColumns = ["user_id"] + BookField.all.map(\.name) + ["search_text", "created_at", "updated_at"]

    /// A field's value as a bind; an empty one as a null of the column's type.
    static func bind(_ value: BookValue?, _ field: BookField) -> SQLBind {
        switch (value, field.kind) {
        case (.text(let s)?, _): SQLBind(s)
        case (.number(let n)?, _): SQLBind(n)
        case (.flag(let b)?, _): SQLBind(b)
        case (nil, .integer), (nil, .year): SQLBind(Int?.none)
        case (nil, .flag): SQLBind(Bool?.none)
        case (nil, _): SQLBind(String?.none)
        }
    }

    /// One book's row, in `insertColumns`' order.
    static func values(of b: Book) -> [SQLBind] {
        [SQLBind(b.$owner.id)] + BookField.all.map { Self.bind(b.get($0), $0) }
            + [SQLBind(b.searchText), SQLBind(b.createdAt), SQLBind(b.updatedAt)]
    }

    /// Inserts one book (in the caller's transaction, if any) and answers its id: one statement,
    /// where Fluent's `create` would reflect over the model's properties first.
    ///
    /// With `writer` (SQLite), on its one thread: new books are written one after another there,
    /// not by two event loops' connections that would meet SQLite's write lock (`DirectSQLite`).
    static func insert(_ book: Book, on db: any Database, writer: DirectSQLite? = nil) async throws -> Int {
        let sql = try BookQueries.sql(db)
        let insert = sql.insert(into: Book.schema).columns(insertColumns).values(values(of: book))
        if let writer {
            let (text, binds) = sql.serialize(insert.returning("id").query)
            if let values = BookRows.sqliteBindings(binds) {
                BookRows.log(text, binds, sql, db)
                return try await writer.read(text, values, on: db.eventLoop) { rows in
                    guard try rows.next(), rows.isInteger(0) else { throw DirectSQLite.Failure(description: "no id") }
                    let id = rows.int(0)
                    _ = try rows.next()  // to the end: the statement is done, the row written
                    return id
                }.get()
            }
        }
        if let mysql = db as? FluentMariaDBDatabase {
            return Int(try await mysql.run(insert.query) { _ in }.lastInsertID)
        }
        guard let row = try await insert.returning("id").first() else { throw Abort(.internalServerError, reason: "no id") }
        return try row.decode(column: "id", as: Int.self)
    }

    /// Inserts the books in one transaction, a few hundred rows a statement; their ids, in order.
    static func insert(_ books: [Book], on db: any Database) async throws -> [Int] {
        guard !books.isEmpty else { return [] }
        return try await db.transaction { tx in
            let sql = try BookQueries.sql(tx)
            var ids = [Int]()
            ids.reserveCapacity(books.count)
            if tx is FluentMariaDBDatabase {
                // No RETURNING, and a multi-row insert's ids need not be consecutive (MySQL 8's
                // interleaved auto-increment): one row a statement, each answering its own id.
                for b in books { ids.append(try await insert(b, on: tx)) }
                return ids
            }
            for start in stride(from: 0, to: books.count, by: rowsPerInsert) {
                let chunk = books[start..<min(books.count, start + rowsPerInsert)]
                let insert = sql.insert(into: Book.schema).columns(insertColumns)
                for b in chunk { insert.values(values(of: b)) }
                // Ids are handed out in row order within a statement; RETURNING's order is not promised.
                let rows = try await insert.returning("id").all()
                ids += try rows.map { try $0.decode(column: "id", as: Int.self) }.sorted()
            }
            return ids
        }
    }
}
