import Dispatch
import FluentKit
import FluentSQL
import Logging
import NIOCore
import SQLKit

extension DatabaseConfigurationFactory {
    /// MySQL or MariaDB through our Connector/C driver.
    public static func mariadb(_ configuration: MariaDBConfiguration, sqlLogLevel: Logger.Level? = .debug) -> Self {
        .init { FluentMariaDBConfiguration(configuration: configuration, sqlLogLevel: sqlLogLevel, middleware: []) }
    }
}

extension DatabaseID {
    public static var mysql: DatabaseID { .init(string: "mysql") }
}

struct FluentMariaDBConfiguration: DatabaseConfiguration {
    let configuration: MariaDBConfiguration
    let sqlLogLevel: Logger.Level?
    var middleware: [any AnyModelMiddleware]

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        FluentMariaDBDriver(pool: MariaDBPool(configuration: configuration), sqlLogLevel: sqlLogLevel)
    }
}

struct FluentMariaDBDriver: DatabaseDriver {
    let pool: MariaDBPool
    let sqlLogLevel: Logger.Level?

    func makeDatabase(with context: DatabaseContext) -> any Database {
        FluentMariaDBDatabase(pool: pool, connection: nil, context: context, queryLogLevel: sqlLogLevel, inTransaction: false)
    }

    func shutdown() {
        let pool = self.pool
        let done = DispatchSemaphoreBox()
        Task {
            await pool.shutdown()
            done.signal()
        }
        done.wait()
    }

    func shutdownAsync() async { await pool.shutdown() }
}

/// A Fluent `Database` that is also an `SQLDatabase`: statements on any pooled connection, or,
/// inside `withConnection`/`transaction`, on the one it holds.
public struct FluentMariaDBDatabase: Database, SQLDatabase {
    let pool: MariaDBPool
    let connection: MariaDBConnection?
    public let context: DatabaseContext
    public let queryLogLevel: Logger.Level?
    public let inTransaction: Bool

    public var dialect: any SQLDialect { MariaDBDialect() }
    public var version: (any SQLDatabaseReportedVersion)? { nil }
    public var logger: Logger { context.logger }
    public var eventLoop: any EventLoop { context.eventLoop }

    // MARK: SQL

    /// The statement's text and its values, as the server gets them.
    func serialize(_ query: any SQLExpression) throws -> (String, [MariaDBValue]) {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        return (serializer.sql, try serializer.binds.map { try MariaDBEncoding.value($0) })
    }

    /// Runs a statement and hands its rows over; answers what it wrote.
    @discardableResult
    public func run(_ query: any SQLExpression, _ onRow: @Sendable (any SQLRow) -> Void) async throws -> MariaDBResult {
        let (sql, binds) = try serialize(query)
        if let level = queryLogLevel {
            // The values are logged as their count by LogRedaction's handler; the text has none.
            logger.log(
                level: level, "Executing query", metadata: ["sql": .string(sql), "binds": .array(binds.map { .string("\($0)") })])
        }
        let result: MariaDBResult
        if let connection {
            result = try await pool.run(sql, binds, on: connection)
        } else {
            result = try await pool.run(sql, binds)
        }
        for values in result.rows { onRow(MariaDBRow(columns: result.columns, values: values)) }
        return result
    }

    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void>
    {
        eventLoop.makeFutureWithTask { try await self.run(query, onRow) }.map { _ in }
    }

    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await run(query, onRow)
    }

    // MARK: Fluent

    public func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void>
    {
        eventLoop.makeFutureWithTask { try await self.execute(query: query, onOutput: onOutput) }
    }

    public func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) async throws {
        let sql = SQLQueryConverter(delegate: MariaDBConverterDelegate()).convert(query)
        let result = try await run(sql) { onOutput(MariaDBOutput(row: $0)) }
        // No RETURNING: a created row's id is the statement's LAST_INSERT_ID(), and a multi-row
        // insert's ids follow it one by one (InnoDB hands a statement's ids out consecutively).
        if case .create = query.action, query.customIDKey != .some(.string("")) {
            let key = (query.customIDKey ?? .id).description
            let columns = MariaDBColumns([key])
            for n in 0..<max(result.affectedRows, 1) {
                let row = MariaDBRow(columns: columns, values: [String(result.lastInsertID + n)])
                onOutput(MariaDBOutput(row: row))
            }
        }
    }

    public func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask {
            var sql = SQLSchemaConverter(delegate: MariaDBConverterDelegate()).convert(schema)
            if schema.action == .create {
                // Every table utf8mb4 with a binary collation, whatever the server's defaults are.
                sql = SQLKit.SQLList([sql, SQLRaw("DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin")], separator: SQLRaw(" "))
            }
            try await self.run(sql) { _ in }
        }
    }

    public func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        eventLoop.makeSucceededFuture(())
    }

    public func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        future { try await self.withConnection { db in try await Self.value(of: closure(db)) } }
    }

    /// Fluent's future-based calls over the async ones, for values that need not be `Sendable`.
    struct Unchecked<Value>: @unchecked Sendable { let value: Value }

    static func value<T>(of future: EventLoopFuture<T>) async throws -> Unchecked<T> {
        try await withCheckedThrowingContinuation { continuation in
            future.whenComplete { continuation.resume(with: $0.map { Unchecked(value: $0) }) }
        }
    }

    func future<T>(_ body: @escaping @Sendable () async throws -> Unchecked<T>) -> EventLoopFuture<T> {
        let promise = eventLoop.makePromise(of: Unchecked<T>.self)
        promise.completeWithTask(body)
        return promise.futureResult.map { $0.value }
    }

    public func withConnection<T: Sendable>(_ closure: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if connection != nil { return try await closure(self) }
        return try await holding { held in
            try await closure(
                FluentMariaDBDatabase(
                    pool: pool, connection: held, context: context, queryLogLevel: queryLogLevel, inTransaction: false))
        }
    }

    /// The connection this database holds, or one lent for `body`.
    func holding<T: Sendable>(_ body: (MariaDBConnection) async throws -> T) async throws -> T {
        if let connection { return try await body(connection) }
        return try await pool.withConnection(body)
    }

    public func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if inTransaction { return closure(self) }
        return future { try await self.transaction { db in try await Self.value(of: closure(db)) } }
    }

    public func transaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if inTransaction { return try await closure(self) }
        return try await holding { held in
            let db = FluentMariaDBDatabase(
                pool: pool, connection: held, context: context, queryLogLevel: queryLogLevel, inTransaction: true)
            try await db.run(SQLRaw("START TRANSACTION")) { _ in }
            do {
                let result = try await closure(db)
                try await db.run(SQLRaw("COMMIT")) { _ in }
                return result
            } catch {
                _ = try? await db.run(SQLRaw("ROLLBACK")) { _ in }
                throw error
            }
        }
    }
}

/// A row as Fluent reads a model's fields from it: FluentSQL selects them as `schema_field`.
struct MariaDBOutput: DatabaseOutput {
    let row: any SQLRow
    var schema: String?
    init(row: any SQLRow, schema: String? = nil) {
        self.row = row
        self.schema = schema
    }
    var description: String { "\(row)" }
    func column(_ key: FieldKey) -> String { (schema.map { FieldKey.prefix(.prefix(.string($0), "_"), key) } ?? key).description }
    func schema(_ schema: String) -> any DatabaseOutput { MariaDBOutput(row: row, schema: schema) }
    func contains(_ key: FieldKey) -> Bool { row.contains(column: column(key)) }
    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: column(key)) }
    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T { try row.decode(column: column(key), as: T.self) }
}

struct MariaDBConverterDelegate: SQLConverterDelegate {
    /// MySQL parses a column's own `REFERENCES` clause and ignores it (no foreign key is made):
    /// each becomes a table constraint, which it enforces.
    func beforeConvert(_ schema: DatabaseSchema) -> DatabaseSchema {
        var schema = schema
        var foreignKeys: [DatabaseSchema.Constraint] = []
        schema.createFields = schema.createFields.map { field in
            guard case .definition(let name, let type, let constraints) = field else { return field }
            return .definition(
                name: name, dataType: type,
                constraints: constraints.filter { constraint in
                    guard case .foreignKey(let table, let space, let foreign, let onDelete, let onUpdate) = constraint else {
                        return true
                    }
                    foreignKeys.append(
                        .constraint(
                            .foreignKey([name], table, space: space, [foreign], onDelete: onDelete, onUpdate: onUpdate), name: nil
                        ))
                    return false
                })
        }
        schema.createConstraints += foreignKeys
        return schema
    }

    func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? {
        switch dataType {
        case .string: SQLRaw("VARCHAR(255)")
        case .datetime: SQLRaw("DATETIME(6)")
        case .bool: SQLRaw("BOOL")
        case .uuid: SQLRaw("CHAR(36)")
        case .dictionary, .array: SQLRaw("JSON")
        default: nil
        }
    }
}

extension MariaDBError: DatabaseError {
    public var isConnectionClosed: Bool { isConnectionError }
}

/// Waits for the pool's asynchronous shutdown from Fluent's synchronous `shutdown()`.
final class DispatchSemaphoreBox: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func signal() { semaphore.signal() }
    func wait() { semaphore.wait() }
}
