import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Vapor

/// Password hashing (bcrypt: login, registration, password change and reset) on threads of its own,
/// apart from the database's `NIOThreadPool`, so a burst of logins cannot take the threads SQLite's
/// blocking calls run on.
///
/// Waiting is bounded too: at most `threads` hashes run and `queue` more wait; past that a request
/// gets `503` with `Retry-After` at once instead of queueing without end.
/// `PASSWORD_HASH_THREADS` (default: half the cores, at least 1) and `PASSWORD_HASH_QUEUE`
/// (default: 8 per thread) set the bound.
public final class PasswordHasherPool: Sendable {
    /// The `code` of the `503` a request gets when the queue is full.
    public static let busyCode = "password_hashing_busy"

    public let threads: Int
    public let queue: Int
    private let hasher: any PasswordHasher
    private let pool: NIOThreadPool
    private struct State {
        var admitted = 0
        /// A moving average of one hash's duration, for `Retry-After`.
        var averageSeconds = 0.25
    }
    private let state = NIOLockedValueBox(State())

    public init(hasher: any PasswordHasher, threads: Int, queue: Int) {
        self.hasher = hasher
        self.threads = max(1, threads)
        self.queue = max(0, queue)
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    public func shutdown() async throws { try await pool.shutdownGracefully() }

    public func hash(_ password: String) async throws -> String {
        let hasher = self.hasher
        return try await run { try hasher.hash(password) }
    }

    /// Whether `password` matches `digest`; false for a digest that is not a hash at all, or
    /// Django's unusable password. A Django PBKDF2 hash (from `import-django`) is checked as
    /// Django checks it.
    public func verify(_ password: String, created digest: String) async throws -> Bool {
        let hasher = self.hasher
        return try await run {
            if DjangoPassword.isUnusable(digest) { return false }
            if DjangoPassword.isDjangoHash(digest) { return DjangoPassword.verify(password, digest: digest) }
            return (try? hasher.verify(password, created: digest)) ?? false
        }
    }

    /// Throws the `503` a hash would get now, without taking a place: a login checks this before
    /// it writes anything, so a storm of refused logins costs the database nothing.
    public func refuseIfFull() throws {
        let (full, average) = state.withLockedValue { ($0.admitted >= threads + queue, $0.averageSeconds) }
        if full { throw busy(average) }
    }

    /// The `503`, with a `Retry-After` long enough for the admitted hashes to be through.
    private func busy(_ average: Double) -> APIError {
        let seconds = max(1, Int((Double(threads + queue) * average / Double(threads)).rounded(.up)))
        return APIError(
            .serviceUnavailable, "Too many sign-ins at once. Try again in \(seconds) seconds.",
            code: Self.busyCode, headers: ["Retry-After": String(seconds)])
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let limit = threads + queue
        let (admitted, average) = state.withLockedValue { state -> (Bool, Double) in
            guard state.admitted < limit else { return (false, state.averageSeconds) }
            state.admitted += 1
            return (true, state.averageSeconds)
        }
        guard admitted else { throw busy(average) }
        defer { state.withLockedValue { $0.admitted -= 1 } }
        let started = NIODeadline.now()
        let result = try await pool.runIfActive {
            Self.yieldToOthers()
            return try body()
        }
        let took = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        state.withLockedValue { $0.averageSeconds = 0.8 * $0.averageSeconds + 0.2 * took }
        return result
    }
}

extension PasswordHasherPool {
    /// The nice value of a hashing thread: the kernel runs the event loops, the database's
    /// threads (and a PostgreSQL on the same machine) first, so a login storm slows logins, not
    /// every other request. Linux keeps nice per thread; elsewhere this does nothing.
    static let niceness: Int32 = 10

    static func yieldToOthers() {
        #if os(Linux)
        // On Linux `who` 0 is the calling thread, not the whole process (man setpriority, NOTES).
        // Once per thread would do; the call costs a microsecond against a quarter-second hash.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }
}

extension Application {
    private struct PasswordHasherPoolKey: StorageKey { typealias Value = PasswordHasherPool }

    /// Set in `configure` by `usePasswordHasher`.
    public var passwordHasher: PasswordHasherPool {
        guard let pool = storage[PasswordHasherPoolKey.self] else { fatalError("usePasswordHasher runs in configure") }
        return pool
    }

    /// Hash passwords on `pool` from now on; its threads stop with the application.
    public func usePasswordHasher(_ pool: PasswordHasherPool) async {
        await storage.setWithAsyncShutdown(PasswordHasherPoolKey.self, to: pool, onShutdown: { try await $0.shutdown() })
    }
}

extension Request {
    /// Hash and verify passwords on the bounded hashing threads: `try await req.passwordHasher.verify(...)`.
    public var passwordHasher: PasswordHasherPool { application.passwordHasher }
}
