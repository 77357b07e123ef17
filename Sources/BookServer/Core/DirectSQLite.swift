import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLiteNIO
import Vapor
import VaporCSQLite

/// Connections of our own to the SQLite file, on threads of their own: readers for the hot reads
/// (lists, pages, one book) and one writer for new books. In WAL mode the readers read beside
/// Fluent's connections and the writer, each read seeing what was committed when it began.
///
/// Why not Fluent's connections: sqlite-nio's future-based `query`, the one they offer, schedules
/// one event-loop task per row (10,000 of them for the seed client's list, more than reading the
/// rows cost), prepares the statement anew each time and makes a `String` of every text value.
/// Here a statement is one hop to a thread and back; each connection keeps its prepared
/// statements; a row is read in place (`Rows`), text written into the JSON from SQLite's own
/// bytes. And Fluent keeps a connection per event loop: two inserts at once on two loops meet
/// SQLite's write lock, and the loser sleeps (1, 2, 5 … ms, `busy_timeout`) with its loop's
/// queries queued behind it. The one writer thread takes inserts in turn instead.
///
/// The same SQLite library as sqlite-nio's (its `VaporCSQLite`, `sqlite_nio_`-prefixed): a second
/// copy of SQLite in the process would keep its own table of POSIX locks, and closing one copy's
/// file descriptor would drop the other's locks (sqlite.org, "How To Corrupt An SQLite Database
/// File", 2.2.1).
final class DirectSQLite: Sendable {
    let path: String
    let writable: Bool
    private let threads: NIOThreadPool
    /// Connections not in use; a thread takes one for each statement (there are never more at
    /// once than threads, so one is always there or can be opened).
    private let idle = NIOLockedValueBox<[Connection]>([])

    init(path: String, threads: Int, writable: Bool) {
        self.path = path
        self.writable = writable
        self.threads = NIOThreadPool(numberOfThreads: max(1, threads))
        self.threads.start()
    }

    func shutdown() async throws {
        try await threads.shutdownGracefully()
        for connection in idle.withLockedValue({ $0 }) { connection.close() }
        idle.withLockedValue { $0 = [] }
    }

    /// Runs `sql` with `binds` on one of the threads; `body` steps through the rows there.
    func read<T: Sendable>(
        _ sql: String, _ binds: [SQLiteData], on eventLoop: any EventLoop,
        _ body: @escaping @Sendable (inout Rows) throws -> T
    ) -> EventLoopFuture<T> {
        session(on: eventLoop) { try $0.run(sql, binds, body) }
    }

    /// Runs `body` on a reader thread with a connection of its own, for reads that take several
    /// statements.
    func session<T: Sendable>(on eventLoop: any EventLoop, _ body: @escaping @Sendable (Connection) throws -> T)
        -> EventLoopFuture<T>
    {
        threads.runIfActive(eventLoop: eventLoop) {
            let connection =
                try self.idle.withLockedValue { $0.popLast() } ?? Connection(path: self.path, writable: self.writable)
            defer { self.idle.withLockedValue { $0.append(connection) } }
            return try body(connection)
        }
    }

    /// A failure SQLite reported, with its message.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One read-only `sqlite3` handle and its prepared statements, used by one thread at a time.
    final class Connection: @unchecked Sendable {
        private let handle: OpaquePointer
        private var statements: [String: OpaquePointer] = [:]

        init(path: String, writable: Bool) throws {
            var handle: OpaquePointer?
            let flags = (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
            let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
            guard status == SQLITE_OK, let handle else {
                let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
                sqlite_nio_sqlite3_close(handle)
                throw Failure(description: "opening \(path): \(message)")
            }
            self.handle = handle
            // Another connection's write (or a checkpoint's brief exclusive moment) is waited for
            // in short naps, for up to `SQLiteTuning.busyTimeoutMilliseconds`.
            sqlite_nio_sqlite3_busy_handler(handle, DirectSQLite.busy, nil)
            if writable {
                // As SQLiteTuning sets Fluent's connections (the file is in WAL mode already).
                sqlite_nio_sqlite3_exec(handle, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", nil, nil, nil)
            }
        }

        func close() {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements = [:]
            sqlite_nio_sqlite3_close(handle)
        }

        func run<T>(_ sql: String, _ binds: [SQLiteData], _ body: (inout Rows) throws -> T) throws -> T {
            let statement = try prepared(sql)
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            for (i, bind) in binds.enumerated() {
                let place = Int32(i + 1)
                let status: Int32 =
                    switch bind {
                    case .integer(let value): sqlite_nio_sqlite3_bind_int64(statement, place, Int64(value))
                    case .float(let value): sqlite_nio_sqlite3_bind_double(statement, place, value)
                    case .text(let value):
                        sqlite_nio_sqlite3_bind_text64(
                            statement, place, value, UInt64(value.utf8.count), DirectSQLite.transient, UInt8(SQLITE_UTF8))
                    case .null: sqlite_nio_sqlite3_bind_null(statement, place)
                    case .blob(let value):
                        value.withUnsafeReadableBytes {
                            sqlite_nio_sqlite3_bind_blob64(
                                statement, place, $0.baseAddress, UInt64($0.count), DirectSQLite.transient)
                        }
                    }
                guard status == SQLITE_OK else { throw failure() }
            }
            var rows = Rows(statement: statement, connection: self)
            return try body(&rows)
        }

        private func prepared(_ sql: String) throws -> OpaquePointer {
            if let statement = statements[sql] { return statement }
            var statement: OpaquePointer?
            let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
            guard status == SQLITE_OK, let statement else { throw failure() }
            // Our SQL is a handful of shapes with bound values; a bound on them all the same.
            if statements.count >= 256 {
                for old in statements.values { sqlite_nio_sqlite3_finalize(old) }
                statements = [:]
            }
            statements[sql] = statement
            return statement
        }

        func failure() -> Failure {
            Failure(description: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
        }
    }

    /// The rows of a statement, read in place: a text's bytes are SQLite's own until the next step.
    struct Rows {
        fileprivate let statement: OpaquePointer
        fileprivate let connection: Connection

        /// Steps to the next row; false after the last.
        mutating func next() throws -> Bool {
            switch sqlite_nio_sqlite3_step(statement) {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            default: throw connection.failure()
            }
        }

        func isNull(_ column: Int) -> Bool { type(column) == SQLITE_NULL }
        func isInteger(_ column: Int) -> Bool { type(column) == SQLITE_INTEGER }
        func isText(_ column: Int) -> Bool { type(column) == SQLITE_TEXT }
        private func type(_ column: Int) -> Int32 { sqlite_nio_sqlite3_column_type(statement, Int32(column)) }

        func int(_ column: Int) -> Int { Int(sqlite_nio_sqlite3_column_int64(statement, Int32(column))) }

        /// A text column's UTF-8 bytes, valid until the next step.
        func text(_ column: Int) -> UnsafeRawBufferPointer {
            guard let bytes = sqlite_nio_sqlite3_column_text(statement, Int32(column)) else { return .init(start: nil, count: 0) }
            return UnsafeRawBufferPointer(start: bytes, count: Int(sqlite_nio_sqlite3_column_bytes(statement, Int32(column))))
        }

        /// The column as sqlite-nio reads it, for the conversions it defines (`SQLiteDataConvertible`).
        func data(_ column: Int) -> SQLiteData {
            switch type(column) {
            case SQLITE_INTEGER: return .integer(int(column))
            case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, Int32(column)))
            case SQLITE_TEXT: return .text(String(decoding: text(column), as: UTF8.self))
            case SQLITE_BLOB:
                let count = Int(sqlite_nio_sqlite3_column_bytes(statement, Int32(column)))
                var buffer = ByteBufferAllocator().buffer(capacity: count)
                if let bytes = sqlite_nio_sqlite3_column_blob(statement, Int32(column)) {
                    buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
                }
                return .blob(buffer)
            default: return .null
            }
        }
    }

    /// SQLite's busy handler: naps of 50 µs for the first 10 ms (a write lasts a fraction of a
    /// millisecond), then of 1 ms, until `SQLiteTuning.busyTimeoutMilliseconds` (then SQLite
    /// answers "database is locked"). The `busy_timeout` pragma's naps start at 1 ms.
    fileprivate static let busy: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32 = { _, tries in
        let short: Int32 = 200
        guard tries < short + Int32(SQLiteTuning.busyTimeoutMilliseconds) - 10 else { return 0 }
        usleep(tries < short ? 50 : 1000)
        return 1
    }

    /// SQLite copies a bound value before the call returns.
    fileprivate static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

extension Application {
    private struct ReaderKey: StorageKey { typealias Value = DirectSQLite }
    private struct WriterKey: StorageKey { typealias Value = DirectSQLite }

    /// The readers of the SQLite file, when that is the database (see `DirectSQLite`).
    var sqliteReader: DirectSQLite? { storage[ReaderKey.self] }
    /// The one writer of new books to the SQLite file, when that is the database.
    var sqliteWriter: DirectSQLite? { storage[WriterKey.self] }

    /// Opens readers of the SQLite file at `path` (a thread and a connection per core, opened
    /// as they are first needed) and its writer, closed when the application shuts down.
    func useDirectSQLite(path: String) async {
        await storage.setWithAsyncShutdown(
            ReaderKey.self, to: DirectSQLite(path: path, threads: System.coreCount, writable: false),
            onShutdown: { try await $0.shutdown() })
        await storage.setWithAsyncShutdown(
            WriterKey.self, to: DirectSQLite(path: path, threads: 1, writable: true), onShutdown: { try await $0.shutdown() })
    }
}
