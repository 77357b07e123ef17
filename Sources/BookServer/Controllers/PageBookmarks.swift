import NIOConcurrencyHelpers
import NIOCore
import SQLiteNIO

/// Deep pages of a large library on SQLite without counting through every book before them.
///
/// `OFFSET 74950` makes SQLite step through 74,950 index entries for page 1,500 of 50 (about 1 ms
/// of the 2 cores' time for each such page). Once a library's order has been read, this keeps the
/// id of every `spacing`-th book in it (100,000 books: 391 ids), and a deep page starts from the
/// nearest one, a seek in the (owner, column, id) index, skipping fewer than `spacing` books.
///
/// The ids are those of one `users.books_version` (`AddSQLiteBookVersion`: every write to the
/// user's books changes it, whichever replica or tool made it). The page's own query reads the
/// version with the rows; a page read from ids of another version is thrown away and read the
/// usual way, so a page is never stale. The ids are read again once a version has held from one
/// deep page to the next (a library written to all the time is not read again and again).
///
/// For the unfiltered list in one column's order (`id`, `title`, `author`, `published_year`: never
/// null, so a row value comparison holds), as the TUI and the seed's client page through it.
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
        /// A newer version seen since, waiting to hold for a second page before the ids are read again.
        var newer: Int?
    }

    private let table = NIOLockedValueBox<[Key: Marks]>([:])

    /// The key of a list that can be paged this way, or nil.
    static func key(_ filter: BookQueries.Filter) -> Key? {
        guard filter.search == nil, filter.isAvailable == nil, filter.sorts.count <= 1 else { return nil }
        let sort = filter.sorts.first ?? (column: "id", descending: false)
        guard columns.contains(sort.column) else { return nil }
        return Key(owner: filter.ownerID, column: sort.column, descending: sort.descending)
    }

    /// The page `range` of the list `key`, with the library's count; nil when it must be read the
    /// usual way (past the end, the ids being read again, another version).
    func page(_ key: Key, range: Range<Int>, reader: DirectSQLite, on eventLoop: any EventLoop) async throws -> (
        count: Int, books: [BookDTO]
    )? {
        let marks = try await self.marks(key, reader: reader, on: eventLoop)
        let mark = range.lowerBound / Self.spacing
        guard let marks, mark < marks.ids.count else { return nil }
        let column = "\"\(key.column)\""
        let (compare, direction) = key.descending ? ("<=", "DESC") : (">=", "ASC")
        let start =
            key.column == "id"
            ? "id \(compare) ?2"
            : "(\(column), id) \(compare) (SELECT \(column), id FROM books WHERE id = ?2)"
        let sql = """
            SELECT (SELECT book_count FROM users WHERE id = ?1), (SELECT books_version FROM users WHERE id = ?1), \
            \(BookQueries.columns.map { "\"\($0)\"" }.joined(separator: ", ")) FROM books \
            WHERE user_id = ?1 AND \(start) ORDER BY \(column) \(direction), id \(direction) LIMIT ?3 OFFSET ?4
            """
        let binds: [SQLiteData] = [
            .integer(key.owner), .integer(marks.ids[mark]), .integer(range.count),
            .integer(range.lowerBound - mark * Self.spacing),
        ]
        let read = try await reader.read(sql, binds, on: eventLoop) { rows in
            var page: (count: Int, version: Int, books: [BookDTO])?
            while try rows.next() {
                if page == nil { page = (rows.int(0), rows.int(1), []) }
                var columns = DirectSQLiteColumns(rows: rows, offset: 2)
                page?.books.append(try BookDTO(reading: &columns))
            }
            return page
        }.get()
        guard let read else { return nil }
        guard read.version == marks.version else {
            saw(version: read.version, for: key)
            return nil
        }
        return (read.count, read.books)
    }

    /// The ids of `key`'s order: kept ones, or read now when there are none or when the version a
    /// page found last (`newer`) still holds; nil (read the page the usual way) when the library has
    /// changed again since.
    private func marks(_ key: Key, reader: DirectSQLite, on eventLoop: any EventLoop) async throws -> Marks? {
        let kept = table.withLockedValue { $0[key] }
        if let kept, kept.newer == nil { return kept }
        let column = "\"\(key.column)\""
        let direction = key.descending ? "DESC" : "ASC"
        let found = try await reader.session(on: eventLoop) { connection -> (version: Int, ids: [Int]?)? in
            // One read transaction: the version and the order are of the same moment.
            try connection.run("BEGIN", []) { _ in }
            defer { _ = try? connection.run("COMMIT", []) { _ in } }
            let version = try connection.run("SELECT books_version FROM users WHERE id = ?1", [.integer(key.owner)]) { rows in
                try rows.next() ? rows.int(0) : nil
            }
            guard let version else { return nil }
            if let newer = kept?.newer, newer != version { return (version, nil) }
            let order = "SELECT id FROM books WHERE user_id = ?1 ORDER BY \(column) \(direction), id \(direction)"
            var ids: [Int] = []
            try connection.run(order, [.integer(key.owner)]) { rows in
                var position = 0
                while try rows.next() {
                    if position % Self.spacing == 0 { ids.append(rows.int(0)) }
                    position += 1
                }
            }
            return (version, ids)
        }.get()
        guard let found else { return nil }
        guard let ids = found.ids else {
            saw(version: found.version, for: key)
            return nil
        }
        let fresh = Marks(version: found.version, ids: ids)
        table.withLockedValue { table in
            if table.count >= Self.capacity { table = [:] }
            table[key] = fresh
        }
        return fresh
    }

    /// A page found `version`, not the kept ids' one: they are let go, and read again once a
    /// later page finds the same version (`marks(_:)`).
    private func saw(version: Int, for key: Key) {
        table.withLockedValue { table in
            guard var marks = table[key] else { return }
            marks.newer = version
            marks.ids = []
            table[key] = marks
        }
    }
}
