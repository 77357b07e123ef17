import BookModel
import Fluent
import MariaDBKit
import PostgresKit
import SQLKit
import SQLiteKit
import SQLiteNIO
import Vapor

/// Runs a select of `BookQueries.columns` and reads each row by position with concrete types,
/// straight from the driver (sqlite-nio's `SQLiteRow`, PostgresNIO's `PostgresRow`, MariaDBKit's text values). SQLKit's
/// `SQLRow.decode(column:as:)` goes through a generic `Decodable` decoder per column, with dynamic
/// casts and, for optionals, a decoder object each: that was the largest cost left in a list of
/// books (docs/benchmarks.md). The query is still built and serialized by SQLKit, and logged as
/// SQLKit logs it; another database takes the SQLKit path.
enum BookRows {
    static func fetch(_ query: SQLSelectBuilder, on db: any Database, reader: DirectSQLite?) async throws -> [BookDTO] {
        try await fetch(query, total: false, on: db, reader: reader).books
    }

    /// With `total`, the query's first column is a count (`total`) before `BookQueries.columns`;
    /// it is read from the first row (nil when there is none).
    static func fetch(_ query: SQLSelectBuilder, total: Bool, on db: any Database, reader: DirectSQLite?) async throws -> (
        total: Int?, books: [BookDTO]
    ) {
        if let read = try await fetch(query.select, leading: total ? 1 : 0, on: db, reader: reader) {
            return (read.leading.first, read.books)
        }
        let rows = try await query.all()  // SQLKit logs this one itself
        let count = try total ? rows.first?.decode(column: "total", as: Int.self) : nil
        return (count, try rows.map(BookDTO.init(row:)))
    }

    /// Runs `expression` (whole numbers in its first `leading` columns, then `BookQueries.columns`)
    /// straight through the driver: on SQLite through `reader`, on PostgreSQL and MySQL by
    /// position. The leading numbers are those of the first row (none when there is no row).
    /// Nil for a database (or a bind) that takes the SQLKit path.
    static func fetch(_ expression: any SQLExpression, leading: Int, on db: any Database, reader: DirectSQLite?) async throws -> (
        leading: [Int], books: [BookDTO]
    )? {
        let sql = try BookQueries.sql(db)
        let (text, binds) = sql.serialize(expression)
        if let reader, let values = sqliteBindings(binds) {
            log(text, binds, sql, db)
            return try await reader.read(text, values, on: db.eventLoop) { rows in
                var first: [Int]?
                var books: [BookDTO] = []
                while try rows.next() {
                    var columns = DirectSQLiteColumns(rows: rows, offset: leading)
                    if first == nil { first = (0..<leading).map { rows.int($0) } }
                    books.append(try BookDTO(reading: &columns))
                }
                return (first ?? [], books)
            }.get()
        }
        if let rows = try await postgresRows(text, binds, sql, db) {
            var first: [Int]?
            let books = try rows.map { row in
                var cells = PostgresCells(row.makeIterator())
                let numbers = try (0..<leading).map { _ in try cells.int(BookRows.totalColumn) }
                if first == nil { first = numbers }
                return try BookDTO(reading: &cells)
            }
            return (first ?? [], books)
        }
        if let mysql = db as? FluentMariaDBDatabase {
            let result = try await mysql.run(expression) { _ in }  // logs as SQLKit would
            var first: [Int]?
            let books = try result.rows.map { values in
                var cells = MariaDBCells(values.makeIterator())
                let numbers = try (0..<leading).map { _ in try cells.int(BookRows.totalColumn) }
                if first == nil { first = numbers }
                return try BookDTO(reading: &cells)
            }
            return (first ?? [], books)
        }
        return nil
    }

    /// Rows of whole numbers only, straight through the driver as `fetch` reads them; nil for a
    /// database that takes the SQLKit path.
    static func numbers(_ expression: any SQLExpression, columns: Int, on db: any Database, reader: DirectSQLite?) async throws
        -> [[Int]]?
    {
        let sql = try BookQueries.sql(db)
        let (text, binds) = sql.serialize(expression)
        if let reader, let values = sqliteBindings(binds) {
            log(text, binds, sql, db)
            return try await reader.read(text, values, on: db.eventLoop) { rows in
                var all: [[Int]] = []
                while try rows.next() { all.append((0..<columns).map { rows.int($0) }) }
                return all
            }.get()
        }
        if let rows = try await postgresRows(text, binds, sql, db) {
            return try rows.map { row in
                var cells = PostgresCells(row.makeIterator())
                return try (0..<columns).map { _ in try cells.int(BookRows.totalColumn) }
            }
        }
        return nil
    }

    /// The rows of `text` from PostgreSQL straight through PostgresNIO, logged as SQLKit logs a
    /// query; nil for another database or a bind that is not one of ours.
    static func postgresRows(_ text: String, _ binds: [any Encodable & Sendable], _ sql: any SQLDatabase, _ db: any Database)
        async throws -> [PostgresRow]?
    {
        guard let postgres = db as? any PostgresDatabase, let bindings = postgresBindings(binds) else { return nil }
        log(text, binds, sql, db)
        return try await postgres.withConnection {
            $0.query(PostgresQuery(unsafeSQL: text, binds: bindings), logger: db.logger)
        }.get().rows
    }

    /// The books of `query` as a JSON array. On SQLite each is written from the row as it is read,
    /// on a reader thread, and no row and no `BookDTO` is kept (a library of 10,000 books is the
    /// seed client's one call).
    ///
    /// Future-based, not async: on SQLite the event loop hands the query to a reader thread and
    /// gets the bytes back, with no task and no hop through the concurrency pool in between.
    static func jsonArray(_ query: SQLSelectBuilder, on db: any Database, reader: DirectSQLite?) -> EventLoopFuture<ByteBuffer> {
        if let reader, let sql = db as? any SQLDatabase {
            let (text, binds) = sql.serialize(query.select)
            if let values = sqliteBindings(binds) {
                log(text, binds, sql, db)
                return reader.read(text, values, on: db.eventLoop) { rows in
                    var json = JSONWriter(capacity: 64 * 1024)
                    json.beginArray()
                    while try rows.next() {
                        json.element()
                        try rows.writeBook(to: &json)
                    }
                    json.endArray()
                    return json.buffer
                }
            }
        }
        let select = query.select
        let promise = db.eventLoop.makePromise(of: ByteBuffer.self)
        promise.completeWithTask {
            let query = SQLSelectBuilder(on: try BookQueries.sql(db))
            query.select = select
            let books = try await fetch(query, on: db, reader: nil)
            var json = JSONWriter(capacity: 64 + 320 * books.count)
            books.write(to: &json)
            return json.buffer
        }
        return promise.futureResult
    }

    /// As SQLKit logs a query it runs (at its `queryLogLevel`, binds hidden by `LogRedaction`).
    static func log(_ text: String, _ binds: [any Encodable & Sendable], _ sql: any SQLDatabase, _ db: any Database) {
        guard let level = sql.queryLogLevel else { return }
        db.logger.log(
            level: level, "Executing query", metadata: ["sql": .string(text), "binds": .array(binds.map { .string("\($0)") })])
    }

    /// The binds as sqlite-nio (and so Fluent) would send them; nil for one it cannot encode.
    static func sqliteBindings(_ binds: [any Encodable & Sendable]) -> [SQLiteData]? {
        let encoder = SQLiteDataEncoder()
        return try? binds.map { try encoder.encode($0) }
    }

    /// Our lists bind only numbers, text and flags; anything else takes the SQLKit path.
    static func postgresBindings(_ binds: [any Encodable & Sendable]) -> PostgresBindings? {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            switch bind {
            case let value as Int: bindings.append(value)
            case let value as String: bindings.append(value)
            case let value as Bool: bindings.append(value)
            default: return nil
            }
        }
        return bindings
    }

    struct Mismatch: Error, CustomStringConvertible {
        var column: String
        var description: String { "books.\(column) holds a value of an unexpected type" }
    }
}

/// The columns of one row of `BookQueries.columns`, read in that order, each with a concrete type.
/// `column` is the column's place in `BookQueries.columns`, for the error that names it.
protocol BookColumns {
    mutating func int(_ column: Int) throws -> Int
    mutating func string(_ column: Int) throws -> String
    mutating func bool(_ column: Int) throws -> Bool
    mutating func optionalInt(_ column: Int) throws -> Int?
    mutating func optionalString(_ column: Int) throws -> String?
    mutating func optionalDate(_ column: Int) throws -> Date?
}

extension BookDTO {
    /// A row of `BookQueries.columns` (`BookDTO.slots`' columns), each read as its field's kind.
    init(reading row: inout some BookColumns) throws {
        self.init(id: 0, user: 0, values: Array(repeating: nil, count: BookField.all.count))
        for (column, slot) in Self.slots.enumerated() {
            switch slot {
            case .id: id = try row.int(column)
            case .user: user = try row.int(column)
            case .createdAt: created_at = try row.optionalDate(column)
            case .updatedAt: updated_at = try row.optionalDate(column)
            case .field(let position, .text, let optional), .field(let position, .lines, let optional),
                .field(let position, .isbn, let optional):
                values[position] = optional ? try row.optionalString(column).map(BookValue.text) : .text(try row.string(column))
            case .field(let position, .integer, let optional), .field(let position, .year, let optional):
                values[position] = optional ? try row.optionalInt(column).map(BookValue.number) : .number(try row.int(column))
            case .field(let position, .flag, _):
                values[position] = .flag(try row.bool(column))
            }
        }
    }
}

extension BookRows {
    /// The place given for a leading `total` column (see `fetch(_:total:on:)`).
    static let totalColumn = -1
}

extension BookRows.Mismatch {
    init(_ column: Int) { self.init(column: column == BookRows.totalColumn ? "total" : BookQueries.columns[column]) }
}

/// A row of `DirectSQLite`, column after column from `offset`, each read as sqlite-nio reads it.
struct DirectSQLiteColumns: BookColumns {
    let rows: DirectSQLite.Rows
    let offset: Int

    /// `column` is a place in `BookQueries.columns` (or `BookRows.totalColumn`, just before them).
    mutating func value<T: SQLiteDataConvertible>(_ column: Int) throws -> T? {
        let data = rows.data(offset + column)
        if case .null = data { return nil }
        guard let value = T(sqliteData: data) else { throw BookRows.Mismatch(column) }
        return value
    }
    mutating func required<T: SQLiteDataConvertible>(_ column: Int) throws -> T {
        guard let value: T = try value(column) else { throw BookRows.Mismatch(column) }
        return value
    }
    mutating func int(_ column: Int) throws -> Int { try required(column) }
    mutating func string(_ column: Int) throws -> String { try required(column) }
    mutating func bool(_ column: Int) throws -> Bool { try required(column) }
    mutating func optionalInt(_ column: Int) throws -> Int? { try value(column) }
    mutating func optionalString(_ column: Int) throws -> String? { try value(column) }
    mutating func optionalDate(_ column: Int) throws -> Date? { try value(column) }
}

extension DirectSQLite.Rows {
    /// The row (`BookQueries.columns`) as the book object `BookDTO.write` would make of it,
    /// written straight from SQLite's values: text from its bytes, whole numbers as they are;
    /// anything else (a date, a flag, a value of an unexpected type) read as `DirectSQLiteColumns`
    /// reads it.
    func writeBook(to json: inout JSONWriter) throws {
        var columns = DirectSQLiteColumns(rows: self, offset: 0)
        json.beginObject()
        try BookDTO.keyBytes.withUnsafeBytes { keys in
            for (column, slot) in BookDTO.slots.enumerated() {
                json.key(bytes: UnsafeRawBufferPointer(rebasing: keys[BookDTO.keyRanges[column]]))
                switch slot {
                case .id, .user, .field(_, .integer, _), .field(_, .year, _):
                    if isInteger(column) {
                        json.int(int(column))
                    } else if case .field(_, _, true) = slot {
                        json.int(try columns.optionalInt(column))
                    } else {
                        json.int(try columns.int(column))
                    }
                case .field(_, .text, let optional), .field(_, .lines, let optional), .field(_, .isbn, let optional):
                    if isText(column) {
                        json.string(utf8: text(column))
                    } else {
                        json.string(optional ? try columns.optionalString(column) : try columns.string(column))
                    }
                case .field(_, .flag, _): json.bool(try columns.bool(column))
                case .createdAt, .updatedAt: json.date(try columns.optionalDate(column))
                }
            }
        }
        json.endObject()
    }
}

/// PostgresNIO's row, cell after cell.
struct PostgresCells: BookColumns {
    var cells: PostgresRow.Iterator
    init(_ cells: PostgresRow.Iterator) { self.cells = cells }

    mutating func value<T: PostgresDecodable>(_ column: Int) throws -> T {
        guard let cell = cells.next() else { throw BookRows.Mismatch(column) }
        return try cell.decode(T.self)
    }
    mutating func int(_ column: Int) throws -> Int { try value(column) }
    mutating func string(_ column: Int) throws -> String { try value(column) }
    mutating func bool(_ column: Int) throws -> Bool { try value(column) }
    mutating func optionalInt(_ column: Int) throws -> Int? { try value(column) }
    mutating func optionalString(_ column: Int) throws -> String? { try value(column) }
    mutating func optionalDate(_ column: Int) throws -> Date? { try value(column) }
}

/// MariaDBKit's row, value after value: the server's text, read as each column's type.
struct MariaDBCells: BookColumns {
    var values: IndexingIterator<[String?]>
    init(_ values: IndexingIterator<[String?]>) { self.values = values }

    mutating func text(_ column: Int) throws -> String? {
        guard let value = values.next() else { throw BookRows.Mismatch(column) }
        return value
    }
    mutating func read<T>(_ column: Int, _ parse: (String) -> T?) throws -> T? {
        guard let text = try text(column) else { return nil }
        guard let value = parse(text) else { throw BookRows.Mismatch(column) }
        return value
    }
    mutating func required<T>(_ column: Int, _ parse: (String) -> T?) throws -> T {
        guard let value = try read(column, parse) else { throw BookRows.Mismatch(column) }
        return value
    }
    mutating func int(_ column: Int) throws -> Int { try required(column) { Int($0) } }
    mutating func string(_ column: Int) throws -> String { try required(column) { $0 } }
    mutating func bool(_ column: Int) throws -> Bool { try required(column, MariaDBDecoding.bool) }
    mutating func optionalInt(_ column: Int) throws -> Int? { try read(column) { Int($0) } }
    mutating func optionalString(_ column: Int) throws -> String? { try text(column) }
    mutating func optionalDate(_ column: Int) throws -> Date? { try read(column, MariaDBTime.date) }
}

/// SQLKit's row, by column name: the path for any other database.
struct SQLKitColumns: BookColumns {
    let row: any SQLRow
    func name(_ column: Int) -> String { column == BookRows.totalColumn ? "total" : BookQueries.columns[column] }
    mutating func int(_ column: Int) throws -> Int { try row.decode(column: name(column), as: Int.self) }
    mutating func string(_ column: Int) throws -> String { try row.decode(column: name(column), as: String.self) }
    mutating func bool(_ column: Int) throws -> Bool { try row.decode(column: name(column), as: Bool.self) }
    mutating func optionalInt(_ column: Int) throws -> Int? { try row.decode(column: name(column), as: Int?.self) }
    mutating func optionalString(_ column: Int) throws -> String? { try row.decode(column: name(column), as: String?.self) }
    mutating func optionalDate(_ column: Int) throws -> Date? { try row.decode(column: name(column), as: Date?.self) }
}
