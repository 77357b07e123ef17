import BookModel
import Fluent
import SQLKit
import Vapor

/// The read side of `/api/books/` (and the profile's book count) in plain SQL through SQLKit, into
/// plain values: no Fluent models on the hot paths. Writes stay with Fluent (`Book`).
enum BookQueries {
    /// The columns of a `BookDTO`, in its order.
    static let columns = BookDTO.slots.map(\.column)

    /// Which of one user's books a list shows, and in which order.
    struct Filter {
        var ownerID: Int
        var search: SearchPredicate?
        var isAvailable: Bool?
        /// Columns of `BookController.orderings`, each with its direction; ties are broken by id.
        var sorts: [(column: String, descending: Bool)] = []

        @discardableResult
        func restrict<Builder: SQLPredicateBuilder>(_ builder: Builder) -> Builder {
            builder.where(SQLColumn("user_id"), .equal, SQLBind(ownerID))
            if let search { builder.where(search) }
            if let isAvailable { builder.where(SQLColumn("is_available"), .equal, SQLBind(isAvailable)) }
            return builder
        }

        func order(_ builder: SQLSelectBuilder) -> SQLSelectBuilder {
            for sort in sorts { builder.orderBy(sort.column, sort.descending ? .descending : .ascending) }
            // In the first sort's direction, so that the (owner, column, id) index serves the whole order.
            return builder.orderBy("id", sorts.first?.descending == true ? .descending : .ascending)
        }
    }

    /// The one place where a `search` parameter becomes SQL, or nil when it asks for nothing: a
    /// substring of the folded title, author or ISBN (`search_text`, see `SearchText`), the term
    /// folded the same way, in which `%` and `_` are the characters themselves, not LIKE's wildcards.
    static func searchPredicate(_ raw: String) -> SearchPredicate? {
        let term = SearchText.term(raw)
        return term.isEmpty ? nil : SearchPredicate(term: term)
    }

    /// `search_text` holds `term` as a substring. On SQLite the trigram index (`AddSQLiteSearchIndex`)
    /// answers it with GLOB (`*`, `?` and `[` of the term as themselves, in brackets); elsewhere
    /// LIKE (`%`, `_` and the escape `!` escaped), which PostgreSQL's `pg_trgm` index serves.
    struct SearchPredicate: SQLExpression {
        var term: String
        /// On SQLite, the FTS5 query that finds the books the GLOB then checks (`SQLiteSearchPlan`);
        /// without one the index is asked for the GLOB itself.
        var trigrams: String?

        func serialize(to serializer: inout SQLSerializer) {
            // The trigram index needs three characters; a shorter term is found faster by LIKE.
            if serializer.dialect.name == "sqlite" && term.count >= 3 {
                var pattern = "*"
                for character in term {
                    if character == "*" || character == "?" || character == "[" {
                        pattern += "[\(character)]"
                    } else {
                        pattern.append(character)
                    }
                }
                pattern.append("*")
                if let trigrams {
                    SQLQueryString(
                        """
                        (id IN (SELECT rowid FROM books_search WHERE books_search MATCH \(bind: trigrams)) \
                        AND search_text GLOB \(bind: pattern))
                        """
                    ).serialize(to: &serializer)
                } else {
                    SQLQueryString("id IN (SELECT rowid FROM books_search WHERE search_text GLOB \(bind: pattern))")
                        .serialize(to: &serializer)
                }
            } else {
                var pattern = "%"
                for character in term {
                    if character == "!" || character == "%" || character == "_" { pattern.append("!") }
                    pattern.append(character)
                }
                pattern.append("%")
                SQLQueryString("search_text LIKE \(bind: pattern) ESCAPE '!'").serialize(to: &serializer)
            }
        }
    }

    static func sql(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError, reason: "not an SQL database") }
        return sql
    }

    static func count(_ filter: Filter, on db: any Database) async throws -> Int {
        if filter.search == nil, filter.isAvailable == nil {
            // All of a user's books: the count the database keeps (`AddUserBookCount`), one row by key.
            let row = try await sql(db).select().column("book_count").from("users")
                .where(SQLColumn("id"), .equal, SQLBind(filter.ownerID)).first()
            return try row?.decode(column: "book_count", as: Int.self) ?? 0
        }
        let query = try sql(db).select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count").from("books")
        let row = try await filter.restrict(query).first()
        return try row?.decode(column: "count", as: Int.self) ?? 0
    }

    static func count(ownerID: Int, on db: any Database) async throws -> Int {
        try await count(Filter(ownerID: ownerID), on: db)
    }

    /// The filtered books in order, as the JSON array the seed's clients ask for.
    static func listJSON(_ filter: Filter, on db: any Database, reader: DirectSQLite?) throws -> EventLoopFuture<ByteBuffer> {
        let sql = try sql(db)
        return planned(filter, on: db, reader: reader).flatMap { filter in
            let query = filter.order(filter.restrict(sql.select().columns(columns).from("books")))
            return BookRows.jsonArray(query, on: db, reader: reader)
        }
    }

    /// The filter with its search planned for SQLite's trigram index (`SQLiteSearchPlan`).
    static func planned(_ filter: Filter, on db: any Database, reader: DirectSQLite?) -> EventLoopFuture<Filter> {
        guard let reader, let search = filter.search else { return db.eventLoop.makeSucceededFuture(filter) }
        return SQLiteSearchPlan.query(for: search.term, reader: reader, on: db.eventLoop).map { trigrams in
            var filter = filter
            filter.search?.trigrams = trigrams
            return filter
        }
    }

    /// From this many books skipped on, a page's ids are found apart from its rows.
    static let deferredJoinOffset = 1000

    /// A page of the filtered books and how many there are in all. A user's whole library is
    /// counted by `users.book_count` in the same query (one round trip); a filtered one, or a page
    /// with no books on it, by `count`.
    static func page(
        _ filter: Filter, range: Range<Int>, on db: any Database, reader: DirectSQLite?, bookmarks: PageBookmarks? = nil
    ) async throws -> (
        count: Int, books: [BookDTO]
    ) {
        if let bookmarks, range.lowerBound >= deferredJoinOffset, PageBookmarks.supports(db), let key = PageBookmarks.key(filter),
            let page = try await bookmarks.page(key, range: range, on: db, reader: reader)
        {
            return page
        }
        let filter = try await planned(filter, on: db, reader: reader).get()
        // How the count comes with the rows: a whole library's from users.book_count; a search's
        // as a window over the matches the search finds anyway (one search, not two). A filter
        // by availability alone is counted apart: a window would read every matching row.
        let unfiltered = filter.search == nil && filter.isAvailable == nil
        let windowed = filter.search != nil
        let query = try sql(db).select()
        let deep = range.lowerBound >= deferredJoinOffset
        if unfiltered {
            query.column(SQLQueryString("(SELECT book_count FROM users WHERE id = \(bind: filter.ownerID)) AS total"))
        } else if windowed {
            query.column(SQLQueryString(deep ? "page.total AS total" : "COUNT(*) OVER () AS total"))
        }
        query.columns(columns.map { SQLColumn($0, table: "books") })
        if windowed, !deep, try sql(db).dialect.name == "postgresql" {
            // The matches first, behind a fence (`OFFSET 0`): PostgreSQL otherwise may walk the
            // primary key for the order and test every book of the user (15 ms over 100,000),
            // not seeing that the window count reads every match anyway; from the trigram index
            // the matches of `author 42` are read and sorted in 7 ms.
            let matches = filter.restrict(try sql(db).select().column(SQLLiteral.all).from("books")).offset(0)
            query.from(SQLAlias(SQLGroupExpression(matches.select), as: SQLIdentifier("books")))
        } else {
            query.from("books")
        }
        if deep {
            // A deep page: the ids are found first, from the (owner, sort column, id) index alone,
            // and only the page's rows are read. PostgreSQL would otherwise read every skipped row.
            let ids = try sql(db).select().column("id").from("books")
            if windowed { ids.column(SQLQueryString("COUNT(*) OVER () AS total")) }
            filter.order(filter.restrict(ids)).offset(range.lowerBound).limit(range.count)
            query.join(SQLAlias(SQLGroupExpression(ids.select), as: SQLIdentifier("page")), using: SQLIdentifier("id"))
            _ = filter.order(query)
        } else {
            filter.order(filter.restrict(query)).offset(range.lowerBound).limit(range.count)
        }
        let (total, books) = try await BookRows.fetch(query, total: unfiltered || windowed, on: db, reader: reader)
        if let total { return (total, books) }
        return (try await count(filter, on: db), books)
    }

    /// One of the owner's books; someone else's is indistinguishable from a missing one.
    static func one(id: Int, ownerID: Int, on db: any Database, reader: DirectSQLite?) async throws -> BookDTO? {
        let query = try sql(db).select().columns(columns).from("books")
            .where(SQLColumn("id"), .equal, SQLBind(id)).where(SQLColumn("user_id"), .equal, SQLBind(ownerID))
            .limit(1)
        return try await BookRows.fetch(query, on: db, reader: reader).first
    }
}

extension BookDTO {
    init(row: any SQLRow) throws {
        var columns = SQLKitColumns(row: row)
        try self.init(reading: &columns)
    }
}
