import CMariaDB
import Foundation

/// A value sent to or read from the server. Binds are always sent as parameters of a prepared
/// statement, never spliced into SQL; results come back as text in the server's own formats
/// (`DATETIME(6)` as `2026-01-02 03:04:05.123456`, in UTC because the session's time zone is).
public enum MariaDBValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bytes([UInt8])
    case date(Date)
}

/// The columns and rows of one statement, and what a write did.
public struct MariaDBResult: Sendable {
    public var columns: MariaDBColumns
    public var rows: [[String?]]
    public var affectedRows: UInt64
    public var lastInsertID: UInt64
}

/// The names of a result's columns, shared by its rows.
public final class MariaDBColumns: Sendable {
    public let names: [String]
    let index: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (n, name) in names.enumerated() where index[name] == nil { index[name] = n }
        self.index = index
    }
}

/// One blocking client connection through MariaDB Connector/C. Not thread-safe: the pool lends it
/// to one caller at a time, whose calls run on the pool's threads.
public final class MariaDBConnection: @unchecked Sendable {
    let handle: UnsafeMutablePointer<MYSQL>
    private var statements: [String: UnsafeMutablePointer<MYSQL_STMT>] = [:]
    static let statementCacheSize = 64
    /// The pool's generation when this connection was opened (see `MariaDBPool`).
    var generation = 0
    /// Set when a call failed because the connection is gone: the pool then drops it.
    var broken = false

    private static let libraryInit: Void = { _ = mysql_server_init(0, nil, nil) }()

    /// Opens a connection: utf8mb4, UTC, strict SQL mode, TLS when the configuration asks for it.
    public init(_ config: MariaDBConfiguration) throws {
        _ = Self.libraryInit
        guard let handle = mysql_init(nil) else { throw MariaDBError(code: 2008, message: "out of memory", sqlState: "HY000") }
        self.handle = handle
        mysql_options(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        var timeout = config.connectTimeoutSeconds
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
        if config.requireTLS {
            var enforce: my_bool = 1
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &enforce)
            // REQUIRED means encrypted, as in MySQL's ssl-mode; the certificate is checked when
            // a CA is named (newer Connector/C versions would otherwise check it against the system's).
            var verify: my_bool = config.caFile == nil ? 0 : 1
            if let ca = config.caFile { mysql_options(handle, MYSQL_OPT_SSL_CA, ca) }
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify)
        }
        // Every session the same: UTC for DATETIME, utf8mb4 with a binary collation (comparisons and
        // order as SQLite and PostgreSQL's C collation make them), and errors instead of silent truncation.
        let initCommand =
            "SET time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_bin, "
            + "sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,ANSI_QUOTES'"
        mysql_options(handle, MYSQL_INIT_COMMAND, initCommand)
        // As PostgreSQL's default: each statement sees what was committed before it, and inserts
        // take no gap locks (fewer deadlocks between parallel writers).
        mysql_options(handle, MYSQL_INIT_COMMAND, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
        guard mysql_real_connect(handle, config.host, config.user, config.password, config.database, config.port, nil, 0) != nil
        else {
            let error = MariaDBError(handle)
            mysql_close(handle)
            throw error
        }
        // Connector/C 3.3 does not refuse a server without TLS when only MYSQL_OPT_SSL_ENFORCE is
        // set (it does when the certificate is verified): a session without a cipher is refused here.
        if config.requireTLS, mysql_get_ssl_cipher(handle) == nil {
            mysql_close(handle)
            throw MariaDBError(
                code: 2026, message: "TLS is required (ssl-mode=REQUIRED) but the server did not start it", sqlState: "HY000")
        }
    }

    deinit {
        for statement in statements.values { mysql_stmt_close(statement) }
        mysql_close(handle)
    }

    /// Whether the server has closed its end (a restart, a timeout) while the connection sat idle:
    /// a non-blocking peek at the socket, no round trip. Data or end-of-file on an idle connection
    /// both mean it is not fit for use.
    public var looksAlive: Bool {
        let fd = mysql_get_socket(handle)
        guard fd >= 0 else { return false }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
    }

    /// Runs one statement with its parameters as a prepared statement (kept for reuse), or, when
    /// the server cannot prepare that kind of statement and there are no parameters, as plain text.
    public func run(_ sql: String, _ binds: [MariaDBValue]) throws -> MariaDBResult {
        do {
            return try runPrepared(sql, binds)
        } catch let error as MariaDBError where error.isConnectionError {
            broken = true
            throw error
        }
    }

    private func runPrepared(_ sql: String, _ binds: [MariaDBValue]) throws -> MariaDBResult {
        let statement: UnsafeMutablePointer<MYSQL_STMT>
        if let cached = statements[sql] {
            statement = cached
        } else {
            guard let fresh = mysql_stmt_init(handle) else { throw MariaDBError(handle) }
            if mysql_stmt_prepare(fresh, sql, UInt(sql.utf8.count)) != 0 {
                let error = MariaDBError(fresh)
                mysql_stmt_close(fresh)
                // ER_UNSUPPORTED_PS: e.g. a trigger's body; only statements without values go as text.
                if error.code == 1295, binds.isEmpty { return try runText(sql) }
                throw error
            }
            if statements.count >= Self.statementCacheSize {
                for old in statements.values { mysql_stmt_close(old) }
                statements.removeAll()
            }
            statements[sql] = fresh
            statement = fresh
        }
        do {
            return try execute(statement, binds)
        } catch {
            statements[sql] = nil
            mysql_stmt_close(statement)
            throw error
        }
    }

    private func execute(_ statement: UnsafeMutablePointer<MYSQL_STMT>, _ binds: [MariaDBValue]) throws -> MariaDBResult {
        let expected = Int(mysql_stmt_param_count(statement))
        guard expected == binds.count else {
            throw MariaDBError(
                code: 2034, message: "the statement has \(expected) parameters, \(binds.count) given", sqlState: "HY000")
        }
        let buffers = BindBuffers(binds)
        defer { buffers.free() }
        if !binds.isEmpty, buffers.bind(to: statement) != 0 { throw MariaDBError(statement) }
        guard mysql_stmt_execute(statement) == 0 else { throw MariaDBError(statement) }
        let affected = mysql_stmt_affected_rows(statement)
        let insertID = mysql_stmt_insert_id(statement)
        guard let metadata = mysql_stmt_result_metadata(statement) else {
            return MariaDBResult(
                columns: MariaDBColumns([]), rows: [], affectedRows: affected == UInt64.max ? 0 : affected, lastInsertID: insertID
            )
        }
        defer { mysql_free_result(metadata) }
        let count = Int(mysql_num_fields(metadata))
        let fields = mysql_fetch_fields(metadata)!
        let names = (0..<count).map { String(cString: fields[$0].name) }
        guard mysql_stmt_store_result(statement) == 0 else { throw MariaDBError(statement) }
        defer { mysql_stmt_free_result(statement) }

        // Every column is fetched as text into a small buffer; a longer value is fetched again whole.
        let size = 256
        let storage = UnsafeMutableRawPointer.allocate(byteCount: size * max(count, 1), alignment: 8)
        let lengths = UnsafeMutablePointer<UInt>.allocate(capacity: max(count, 1))
        let nulls = UnsafeMutablePointer<my_bool>.allocate(capacity: max(count, 1))
        let results = UnsafeMutablePointer<MYSQL_BIND>.allocate(capacity: max(count, 1))
        defer {
            storage.deallocate()
            lengths.deallocate()
            nulls.deallocate()
            results.deallocate()
        }
        for i in 0..<count {
            results[i] = MYSQL_BIND()
            results[i].buffer_type = MYSQL_TYPE_STRING
            results[i].buffer = storage + i * size
            results[i].buffer_length = UInt(size)
            results[i].length = lengths + i
            results[i].is_null = nulls + i
        }
        guard mysql_stmt_bind_result(statement, results) == 0 else { throw MariaDBError(statement) }
        var rows: [[String?]] = []
        while true {
            let rc = mysql_stmt_fetch(statement)
            if rc == MYSQL_NO_DATA { break }
            guard rc == 0 || rc == MYSQL_DATA_TRUNCATED else { throw MariaDBError(statement) }
            var row = [String?]()
            row.reserveCapacity(count)
            for i in 0..<count {
                if nulls[i] != 0 {
                    row.append(nil)
                    continue
                }
                let length = Int(lengths[i])
                if length <= size {
                    row.append(String(decoding: UnsafeRawBufferPointer(start: storage + i * size, count: length), as: UTF8.self))
                } else {
                    let whole = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 1)
                    defer { whole.deallocate() }
                    var column = MYSQL_BIND()
                    column.buffer_type = MYSQL_TYPE_STRING
                    column.buffer = whole
                    column.buffer_length = UInt(length)
                    guard mysql_stmt_fetch_column(statement, &column, UInt32(i), 0) == 0 else { throw MariaDBError(statement) }
                    row.append(String(decoding: UnsafeRawBufferPointer(start: whole, count: length), as: UTF8.self))
                }
            }
            rows.append(row)
        }
        return MariaDBResult(columns: MariaDBColumns(names), rows: rows, affectedRows: 0, lastInsertID: insertID)
    }

    /// A statement without values that the server will not prepare, sent as text.
    private func runText(_ sql: String) throws -> MariaDBResult {
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else { throw MariaDBError(handle) }
        let affected = mysql_affected_rows(handle)
        let insertID = mysql_insert_id(handle)
        guard let result = mysql_store_result(handle) else {
            if mysql_field_count(handle) != 0 { throw MariaDBError(handle) }
            return MariaDBResult(
                columns: MariaDBColumns([]), rows: [], affectedRows: affected == UInt64.max ? 0 : affected, lastInsertID: insertID
            )
        }
        defer { mysql_free_result(result) }
        let count = Int(mysql_num_fields(result))
        let fields = mysql_fetch_fields(result)!
        let names = (0..<count).map { String(cString: fields[$0].name) }
        var rows: [[String?]] = []
        while let row = mysql_fetch_row(result), let lengths = mysql_fetch_lengths(result) {
            rows.append(
                (0..<count).map { i in
                    row[i].map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(lengths[i])), as: UTF8.self) }
                })
        }
        return MariaDBResult(columns: MariaDBColumns(names), rows: rows, affectedRows: 0, lastInsertID: insertID)
    }
}

/// The parameter buffers of one execution, alive until `free()`.
private struct BindBuffers {
    var binds: UnsafeMutablePointer<MYSQL_BIND>
    var allocations: [UnsafeMutableRawPointer] = []
    let count: Int

    init(_ values: [MariaDBValue]) {
        count = values.count
        binds = .allocate(capacity: max(count, 1))
        for (i, value) in values.enumerated() {
            var bind = MYSQL_BIND()
            switch value {
            case .null:
                bind.buffer_type = MYSQL_TYPE_NULL
            case .int(let n):
                let p = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
                p.storeBytes(of: n, as: Int64.self)
                allocations.append(p)
                bind.buffer_type = MYSQL_TYPE_LONGLONG
                bind.buffer = p
            case .double(let d):
                let p = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
                p.storeBytes(of: d, as: Double.self)
                allocations.append(p)
                bind.buffer_type = MYSQL_TYPE_DOUBLE
                bind.buffer = p
            case .text(let s):
                let bytes = Array(s.utf8)
                bind.buffer_type = MYSQL_TYPE_STRING
                bind.buffer = Self.copy(bytes, into: &allocations)
                bind.buffer_length = UInt(bytes.count)
            case .bytes(let bytes):
                bind.buffer_type = MYSQL_TYPE_BLOB
                bind.buffer = Self.copy(bytes, into: &allocations)
                bind.buffer_length = UInt(bytes.count)
            case .date(let date):
                let p = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<MYSQL_TIME>.size, alignment: 8)
                p.storeBytes(of: MariaDBTime.mysqlTime(date), as: MYSQL_TIME.self)
                allocations.append(p)
                bind.buffer_type = MYSQL_TYPE_DATETIME
                bind.buffer = p
            }
            binds[i] = bind
        }
    }

    static func copy(_ bytes: [UInt8], into allocations: inout [UnsafeMutableRawPointer]) -> UnsafeMutableRawPointer {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { if let base = $0.baseAddress { p.copyMemory(from: base, byteCount: bytes.count) } }
        allocations.append(p)
        return p
    }

    func bind(to statement: UnsafeMutablePointer<MYSQL_STMT>) -> my_bool {
        mysql_stmt_bind_param(statement, binds)
    }

    func free() {
        for p in allocations { p.deallocate() }
        binds.deallocate()
    }
}

/// `DATETIME(6)` in UTC, both ways.
public enum MariaDBTime {
    static func mysqlTime(_ date: Date) -> MYSQL_TIME {
        let interval = date.timeIntervalSince1970
        var seconds = Int(interval.rounded(.down))
        var micros = Int(((interval - Double(seconds)) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            seconds += 1
            micros -= 1_000_000
        }
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        var time = MYSQL_TIME()
        time.year = UInt32(parts.tm_year + 1900)
        time.month = UInt32(parts.tm_mon + 1)
        time.day = UInt32(parts.tm_mday)
        time.hour = UInt32(parts.tm_hour)
        time.minute = UInt32(parts.tm_min)
        time.second = UInt32(parts.tm_sec)
        time.second_part = UInt(micros)
        time.time_type = MYSQL_TIMESTAMP_DATETIME
        return time
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` (or a bare date) read as UTC.
    public static func date(_ text: String) -> Date? {
        let utf8 = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= utf8.count else { return nil }
            var n = 0
            for c in utf8[range] {
                guard c >= 48, c <= 57 else { return nil }
                n = n * 10 + Int(c - 48)
            }
            return n
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        var fraction = 0.0
        if utf8.count >= 19 {
            guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
            parts.tm_hour = Int32(hour)
            parts.tm_min = Int32(minute)
            parts.tm_sec = Int32(second)
            if utf8.count > 20, utf8[19] == 46, let digits = number(20..<utf8.count) {
                fraction = Double(digits) / pow(10, Double(utf8.count - 20))
            }
        }
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
