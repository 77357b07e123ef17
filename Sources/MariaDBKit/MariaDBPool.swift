import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix

/// Connections to one server, lent one caller at a time, and the threads their blocking calls run
/// on (as many as connections, so a leased connection never waits for a thread).
///
/// A server restart: idle connections are checked before each loan with a peek at their socket
/// (no round trip), so those the server closed are dropped and replaced; a connection error seen on
/// any connection also drops every idle one (they were opened before the restart too).
public final class MariaDBPool: Sendable {
    public let configuration: MariaDBConfiguration
    let threads: NIOThreadPool
    private let state = NIOLockedValueBox(State())

    private struct State {
        var idle: [MariaDBConnection] = []
        var open = 0
        var waiters: [CheckedContinuation<Grant, any Error>] = []
        var generation = 0
        var closed = false
    }

    private enum Grant: @unchecked Sendable {
        case connection(MariaDBConnection)
        case open
        case closed
    }

    public struct PoolClosed: Error, CustomStringConvertible {
        public var description: String { "the MariaDB connection pool is shut down" }
    }

    public init(configuration: MariaDBConfiguration) {
        self.configuration = configuration
        threads = NIOThreadPool(numberOfThreads: max(1, configuration.maxConnections))
        threads.start()
    }

    /// Runs `body` with one connection, lent for its duration (a transaction, a session).
    public func withConnection<T: Sendable>(_ body: (MariaDBConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    /// One statement on a connection the caller holds.
    public func run(_ sql: String, _ binds: [MariaDBValue], on connection: MariaDBConnection) async throws -> MariaDBResult {
        do {
            return try await threads.runIfActive { try connection.run(sql, binds) }
        } catch let error as MariaDBError where error.isConnectionError {
            invalidateIdle()
            throw error
        }
    }

    /// One statement on any connection. A statement that failed because its connection was gone
    /// is tried once more on a new one when that cannot do anything twice: a read, or a statement
    /// the server never received.
    public func run(_ sql: String, _ binds: [MariaDBValue]) async throws -> MariaDBResult {
        var attempts = 0
        while true {
            attempts += 1
            do {
                return try await withConnection { try await run(sql, binds, on: $0) }
            } catch let error as MariaDBError where error.isConnectionError && attempts < 2 {
                let neverSent = [2002, 2003, 2006].contains(error.code)
                let read = sql.prefix(7).uppercased().hasPrefix("SELECT")
                guard neverSent || read else { throw error }
            }
        }
    }

    private func lease() async throws -> MariaDBConnection {
        while true {
            let grant: Grant = try await withCheckedThrowingContinuation { continuation in
                let now: Grant? = state.withLockedValue { s in
                    if s.closed { return .closed }
                    if let connection = s.idle.popLast() { return .connection(connection) }
                    if s.open < configuration.maxConnections {
                        s.open += 1
                        return .open
                    }
                    s.waiters.append(continuation)
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
            switch grant {
            case .closed:
                throw PoolClosed()
            case .connection(let connection):
                let current = state.withLockedValue { $0.generation }
                if connection.generation == current, !connection.broken, connection.looksAlive { return connection }
                connection.broken = true
                release(connection)
                invalidateIdle()
            case .open:
                let generation = state.withLockedValue { $0.generation }
                do {
                    let configuration = self.configuration
                    let connection = try await threads.runIfActive { try MariaDBConnection(configuration) }
                    connection.generation = generation
                    return connection
                } catch {
                    handBack(nil)
                    throw error
                }
            }
        }
    }

    private func release(_ connection: MariaDBConnection) {
        let current = state.withLockedValue { $0.generation }
        let reusable = !connection.broken && connection.generation == current
        handBack(reusable ? connection : nil)
    }

    /// A connection back to the pool (or, nil, the place of one that was closed or never opened).
    private func handBack(_ connection: MariaDBConnection?) {
        let next: (CheckedContinuation<Grant, any Error>, Grant)? = state.withLockedValue { s in
            if let connection, !s.closed {
                if s.waiters.isEmpty {
                    s.idle.append(connection)
                    return nil
                }
                return (s.waiters.removeFirst(), .connection(connection))
            }
            if s.waiters.isEmpty || s.closed {
                s.open -= 1
                return nil
            }
            return (s.waiters.removeFirst(), .open)
        }
        if let (waiter, grant) = next { waiter.resume(returning: grant) }
    }

    /// After a connection error: every idle connection is from before it, so none is kept.
    private func invalidateIdle() {
        let dropped = state.withLockedValue { s in
            s.generation += 1
            let idle = s.idle
            s.idle.removeAll()
            s.open -= idle.count
            return idle
        }
        // Closed (Connector/C's mysql_close, in deinit) here, outside the lock.
        withExtendedLifetime(dropped) {}
    }

    /// Closes the idle connections and stops the threads; later loans fail.
    public func shutdown() async {
        let (waiters, idle) = state.withLockedValue { s in
            s.closed = true
            let idle = s.idle
            s.idle.removeAll()
            let waiters = s.waiters
            s.waiters.removeAll()
            return (waiters, idle)
        }
        withExtendedLifetime(idle) {}
        for waiter in waiters { waiter.resume(returning: .closed) }
        try? await threads.shutdownGracefully()
    }
}
