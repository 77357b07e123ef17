import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// Makes "count, then record" one atomic step for the limits (failed logins, mail requests), so
/// parallel requests cannot all pass a check before any of them is recorded.
///
/// PostgreSQL: a transaction holding `pg_advisory_xact_lock` on the key, which serialises every
/// replica on that database. SQLite (one process by design): one lock in the process, and no
/// transaction, since two SQLite write transactions that start by reading can deadlock. MySQL and
/// MariaDB: `GET_LOCK` on one connection, released when the body is done.
enum CounterLock {
    static func withLock<T: Sendable>(
        _ key: String, on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        if (db as? any SQLDatabase)?.dialect.name == "postgresql" {
            return try await db.transaction { tx in
                try await (tx as! any SQLDatabase)
                    .raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: key), 0))").run()
                return try await body(tx)
            }
        }
        if let sql = db as? any SQLDatabase, sql.dialect.name == "mysql" {
            // MySQL and MariaDB: a named lock of the server (64 characters at most, hence the hash),
            // held by one connection for the body, which serialises every replica on that database.
            let name = "book-server:" + SHA256.hash(data: Data(key.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
            return try await db.withConnection { held in
                let sql = held as! any SQLDatabase
                let got = try await sql.raw("SELECT GET_LOCK(\(bind: name), 30) AS got").first()?.decode(
                    column: "got", as: Int?.self)
                guard got == 1 else { throw Abort(.serviceUnavailable, reason: "Busy, try again") }
                do {
                    let result = try await body(held)
                    try await sql.raw("SELECT RELEASE_LOCK(\(bind: name))").run()
                    return result
                } catch {
                    _ = try? await sql.raw("SELECT RELEASE_LOCK(\(bind: name))").run()
                    throw error
                }
            }
        }
        return try await processLock.run { try await body(db) }
    }

    static let processLock = AsyncLock()
}

/// A lock for async code: callers run their bodies one at a time, in arrival order.
actor AsyncLock {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
