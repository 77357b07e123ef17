import Fluent
import SQLKit
import Vapor

/// SQLite as a production embedded database. The SQLite driver keeps one connection per event
/// loop (it allows no more: they would only contend), opened once and kept, so each loop reads in
/// parallel with the others and with a writer, once the database is in WAL mode.
///
/// - `journal_mode = WAL`: readers never block the writer nor the writer readers; stored in the
///   file, so every process that opens it (a second replica, `sqlite3`) uses it too.
/// - `synchronous = NORMAL`: no fsync per commit, only at checkpoints; a power cut may lose the
///   last commits, never corrupt the file.
/// - `busy_timeout`: a writer that finds another process's or connection's write in progress waits
///   for it (sleeping, up to `busyTimeoutMilliseconds`) instead of answering "database is locked".
enum SQLiteTuning {
    static let busyTimeoutMilliseconds = 10_000

    /// Sets the pragmas on every event loop's connection of the `.sqlite` database.
    static func apply(_ app: Application) async throws {
        var loops: [any EventLoop] = []
        for loop in app.eventLoopGroup.makeIterator() { loops.append(loop) }
        for (n, loop) in loops.enumerated() {
            guard let sql = app.databases.database(.sqlite, logger: app.logger, on: loop) as? any SQLDatabase else { continue }
            // Once is enough for the file's journal mode; the rest is per connection.
            if n == 0 {
                let mode = try await sql.raw("PRAGMA journal_mode = WAL").first()?.decode(column: "journal_mode", as: String.self)
                if mode?.lowercased() != "wal" { app.logger.warning("SQLite journal mode is \(mode ?? "unknown"), not WAL") }
            }
            try await sql.raw("PRAGMA synchronous = NORMAL").run()
            try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(busyTimeoutMilliseconds))").run()
        }
    }
}
