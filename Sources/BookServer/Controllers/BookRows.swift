import Fluent
import PostgresKit
import SQLKit
import SQLiteKit
import Vapor

/// Runs a select of `BookQueries.columns` and reads each row by position with concrete types,
/// straight from the driver (sqlite-nio's `SQLiteRow`, PostgresNIO's `PostgresRow`). SQLKit's
/// `SQLRow.decode(column:as:)` goes through a generic `Decodable` decoder per column, with dynamic
/// casts and, for optionals, a decoder object each: that was the largest cost left in a list of
/// books (docs/benchmarks.md). The query is still built and serialized by SQLKit, and logged as
/// SQLKit logs it; another database takes the SQLKit path.
enum BookRows {
    static func fetch(_ query: SQLSelectBuilder, on db: any Database) async throws -> [BookDTO] {
        let sql = try BookQueries.sql(db)
        let (text, binds) = sql.serialize(query.select)
        if let level = sql.queryLogLevel {
            db.logger.log(level: level, "Executing query", metadata: ["sql": .string(text), "binds": .array(binds.map { .string("\($0)") })])
        }
        if let sqlite = db as? any SQLiteDatabase {
            let encoder = SQLiteDataEncoder()
            let rows = try await sqlite.query(text, try binds.map { try encoder.encode($0) })
            return try rows.map(BookDTO.init(sqlite:))
        }
        if let postgres = db as? any PostgresDatabase, let bindings = postgresBindings(binds) {
            let result = try await postgres.withConnection {
                $0.query(PostgresQuery(unsafeSQL: text, binds: bindings), logger: db.logger)
            }.get()
            return try result.rows.map(BookDTO.init(postgres:))
        }
        return try await query.all().map(BookDTO.init(row:))
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

extension BookDTO {
    /// A row of `BookQueries.columns` from SQLite, in that order.
    init(sqlite row: SQLiteRow) throws {
        var columns = row.columns.makeIterator()
        func next<T: SQLiteDataConvertible>(_: T.Type, _ name: String) throws -> T {
            guard let data = columns.next()?.data, let value = T(sqliteData: data) else { throw BookRows.Mismatch(column: name) }
            return value
        }
        func optional<T: SQLiteDataConvertible>(_: T.Type, _ name: String) throws -> T? {
            guard let data = columns.next()?.data else { throw BookRows.Mismatch(column: name) }
            if data == .null { return nil }
            guard let value = T(sqliteData: data) else { throw BookRows.Mismatch(column: name) }
            return value
        }
        id = try next(Int.self, "id")
        title = try next(String.self, "title")
        author = try next(String.self, "author")
        published_year = try next(Int.self, "published_year")
        user = try next(Int.self, "user_id")
        is_available = try next(Bool.self, "is_available")
        isbn = try optional(String.self, "isbn")
        publisher = try optional(String.self, "publisher")
        pages = try optional(Int.self, "pages")
        notes = try optional(String.self, "notes")
        created_at = try optional(Date.self, "created_at")
        updated_at = try optional(Date.self, "updated_at")
    }

    /// A row of `BookQueries.columns` from PostgreSQL, in that order.
    init(postgres row: PostgresRow) throws {
        var cells = row.makeIterator()
        func next<T: PostgresDecodable>(_: T.Type, _ name: String) throws -> T {
            guard let cell = cells.next() else { throw BookRows.Mismatch(column: name) }
            return try cell.decode(T.self)
        }
        id = try next(Int.self, "id")
        title = try next(String.self, "title")
        author = try next(String.self, "author")
        published_year = try next(Int.self, "published_year")
        user = try next(Int.self, "user_id")
        is_available = try next(Bool.self, "is_available")
        isbn = try next(String?.self, "isbn")
        publisher = try next(String?.self, "publisher")
        pages = try next(Int?.self, "pages")
        notes = try next(String?.self, "notes")
        created_at = try next(Date?.self, "created_at")
        updated_at = try next(Date?.self, "updated_at")
    }
}
