import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Deep pages of a large library without counting through every book before them.
///
/// `OFFSET 74950` makes the database step through 74,950 index entries for page 1,500 of 50 (about
/// 1 ms of the 2 cores' time on SQLite, 5 on PostgreSQL, for each such page). Once a library's
/// order has been read, this keeps the id of every `spacing`-th book in it (100,000 books: 391
/// ids), and a deep page starts from the nearest one, a seek in the (owner, column, id) index,
/// skipping fewer than `spacing` books.
///
/// The ids are those of one `users.books_version` (`AddBookVersion`: every write to the user's
/// books changes it, whichever replica or tool made it). The ids and the version are read by one
/// statement, and a page's own query reads the version with its rows; a page read from ids of
/// another version is thrown away and read the usual way, so a page is never stale. The ids are
/// read again once a version has held from one deep page to the next (a library written to all
/// the time is not read again and again).
///
/// For the unfiltered list in one column's order (`id`, `title`, `author`, `published_year`: never
/// null, so a row value comparison holds), as the TUI and the seed's client page through it; on
/// SQLite and PostgreSQL (MySQL has no `books_version`).
final class PageBookmarks: Sendable {
    static let spacing = 256
    /// The columns whose order can be kept: not null, with an (owner, column, id) index.
    static let columns: Set<String> = ["id", "title", "author", "published_year"]
    /// Libraries' orders kept at most (each a few KB); past it the table starts again.
    static let capacity = 512

    struct Key: Hashable {
        var owner: Int
        var column: String
        var descending: Bool
    }

    struct Marks {
        var version: Int
        /// The id at position `k * spacing`, for each k.
        var ids: [Int]
        /// A newer version seen since, to hold for a second page before the ids are read again.
        var newer: Int?
        /// The ids are being read: other pages meanwhile are read the usual way, not by reading
        /// the whole order too.
        var reading = false
    }

    private let table = NIOLockedValueBox<[Key: Marks]>([:])

    /// The key of a list that can be paged this way, or nil.
    static func key(_ filter: BookQueries.Filter) -> Key? {
        guard filter.search == nil, filter.isAvailable == nil, filter.sorts.count <= 1 else { return nil }
        let sort = filter.sorts.first ?? (column: "id", descending: false)
        guard columns.contains(sort.column) else { return nil }
        return Key(owner: filter.ownerID, column: sort.column, descending: sort.descending)
    }

    /// Whether `db` keeps `users.books_version`.
    static func supports(_ db: any Database) -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        return sql.dialect.name == "sqlite" || sql.dialect.name == "postgresql"
    }

    /// The page `range` of the list `key`, with the library's count; nil when it must be read the
    /// usual way (past the end, the library changed since its ids were read).
    func page(_ key: Key, range: Range<Int>, on db: any Database, reader: DirectSQLite?) async throws -> (
        count: Int, books: [BookDTO]
    )? {
        let mark = range.lowerBound / Self.spacing
        guard let marks = try await self.marks(key, on: db, reader: reader), mark < marks.ids.count else { return nil }
        let column = SQLIdentifier(key.column)
        let (compare, direction): (SQLBinaryOperator, SQLDirection) =
            key.descending ? (.lessThanOrEqual, .descending) : (.greaterThanOrEqual, .ascending)
        // (column, id) from the kept book's on, after `user_id =`: a seek in the (user_id, column,
        // id) index on both databases (SQLite reads `(user_id, column, id) >= (…)` as a range of
        // user ids and sorts; PostgreSQL takes both, this one faster).
        let start: any SQLExpression =
            key.column == "id"
            ? SQLQueryString("user_id = \(bind: key.owner) AND id \(compare) \(bind: marks.ids[mark])")
            : SQLQueryString(
                """
                user_id = \(bind: key.owner) AND (\(column), id) \(compare) \
                (SELECT \(column), id FROM books WHERE id = \(bind: marks.ids[mark]))
                """)
        let query = SQLQueryString(
            """
            SELECT (SELECT book_count FROM users WHERE id = \(bind: key.owner)) AS total, \
            (SELECT books_version FROM users WHERE id = \(bind: key.owner)) AS version, \
            \(SQLList(BookQueries.columns.map { SQLIdentifier($0) })) FROM books WHERE \(start) \
            ORDER BY \(column) \(direction), id \(direction) \
            LIMIT \(bind: range.count) OFFSET \(bind: range.lowerBound - mark * Self.spacing)
            """)
        guard let read = try await BookRows.fetch(query, leading: 2, on: db, reader: reader) else { return nil }
        guard read.leading.count == 2 else {
            // No row: past the end, or the kept book is gone (so the library changed): the ids
            // are read again once a version holds.
            saw(version: -1, for: key)
            return nil
        }
        guard read.leading[1] == marks.version else {
            saw(version: read.leading[1], for: key)
            return nil
        }
        return (read.leading[0], read.books)
    }

    /// The ids of `key`'s order: kept ones, or read now when there are none or when the version a
    /// page found last (`newer`) still holds; nil (read the page the usual way) when the library has
    /// changed again since.
    private func marks(_ key: Key, on db: any Database, reader: DirectSQLite?) async throws -> Marks? {
        enum Plan { case use(Marks), read(newer: Int?), wait }
        let plan = table.withLockedValue { table -> Plan in
            guard var kept = table[key] else {
                if table.count >= Self.capacity { table = [:] }
                table[key] = Marks(version: -1, ids: [], reading: true)
                return .read(newer: nil)
            }
            if kept.reading { return .wait }
            if kept.newer == nil { return .use(kept) }
            kept.reading = true
            table[key] = kept
            return .read(newer: kept.newer)
        }
        switch plan {
        case .use(let marks): return marks
        case .wait: return nil
        case .read(let newer):
            do {
                let read = try await readMarks(key, on: db, reader: reader)
                return table.withLockedValue { table -> Marks? in
                    guard let read else {
                        table[key] = nil
                        return nil
                    }
                    if let newer, newer != read.version {
                        // Changed again since the last page: not worth reading yet.
                        table[key] = Marks(version: -1, ids: [], newer: read.version)
                        return nil
                    }
                    table[key] = read
                    return read
                }
            } catch {
                table.withLockedValue { $0[key] = nil }
                throw error
            }
        }
    }

    /// The ids of every `spacing`-th book of `key`'s order and the version they are of: one
    /// statement, so both are of the same moment. Nil for a user with no row.
    private func readMarks(_ key: Key, on db: any Database, reader: DirectSQLite?) async throws -> Marks? {
        let column = SQLIdentifier(key.column)
        let direction: SQLDirection = key.descending ? .descending : .ascending
        let query = SQLQueryString(
            """
            SELECT (SELECT books_version FROM users WHERE id = \(bind: key.owner)) AS version, id FROM \
            (SELECT id, ROW_NUMBER() OVER (ORDER BY \(column) \(direction), id \(direction)) - 1 AS n \
            FROM books WHERE user_id = \(bind: key.owner)) AS ordered \
            WHERE n % \(unsafeRaw: String(Self.spacing)) = 0 ORDER BY n
            """)
        guard let rows = try await BookRows.numbers(query, columns: 2, on: db, reader: reader), let version = rows.first?[0]
        else {
            return nil
        }
        return Marks(version: version, ids: rows.map { $0[1] })
    }

    /// A page found `version`, not the kept ids' one: they are let go, and read again once a
    /// later page finds the same version (`marks(_:)`).
    private func saw(version: Int, for key: Key) {
        table.withLockedValue { table in
            guard var marks = table[key], !marks.reading else { return }
            marks.newer = version
            marks.ids = []
            table[key] = marks
        }
    }
}

extension Application {
    private struct PageBookmarksKey: StorageKey { typealias Value = PageBookmarks }

    /// What the server learnt of the order of large libraries (`PageBookmarks`), set by `configure`.
    var pageBookmarks: PageBookmarks {
        get { storage[PageBookmarksKey.self]! }
        set { storage[PageBookmarksKey.self] = newValue }
    }
}
