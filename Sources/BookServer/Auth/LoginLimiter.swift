import Fluent
import Vapor

/// Slows password guessing: after `loginFailureLimit` failures for one username from one address
/// within the window, further attempts get `429` until the oldest failure leaves the window.
/// Counters live in the database, so every replica sees the same count.
///
/// An attempt is reserved (counted as a failure) before the password is hashed, in one atomic
/// step with the check, so that of any number of parallel attempts only `loginFailureLimit` reach
/// the hash; a successful attempt then clears the count.
struct LoginLimiter {
    let config: AppConfig
    let db: any Database

    /// Nil when the attempt is reserved; otherwise the seconds to wait.
    func reserve(username: String, address: String) async throws -> Int? {
        let limit = config.loginFailureLimit
        let window = TimeInterval(config.loginFailureWindow)
        return try await CounterLock.withLock("login|\(username)|\(address)", on: db) { db in
            let now = Date()
            let failures = try await LoginFailure.query(on: db)
                .filter(\.$username == username).filter(\.$address == address)
                .filter(\.$failedAt > now.addingTimeInterval(-window))
                .sort(\.$failedAt, .descending)
                .range(0..<limit)
                .all()
            if failures.count >= limit, let oldest = failures.last {
                let free = oldest.failedAt.addingTimeInterval(window)
                return max(1, Int(free.timeIntervalSince(now).rounded(.up)))
            }
            try await LoginFailure(username: username, address: address, failedAt: now).create(on: db)
            // Old rows are of no use; keep the table small.
            try await LoginFailure.query(on: db).filter(\.$failedAt < now.addingTimeInterval(-window)).delete()
            return nil
        }
    }

    func reset(username: String, address: String) async throws {
        try await LoginFailure.query(on: db)
            .filter(\.$username == username).filter(\.$address == address).delete()
    }

    /// Gives back a reserved attempt that never reached the hash (under the reservation's lock, so
    /// two at once give back two).
    func release(username: String, address: String) async throws {
        try await CounterLock.withLock("login|\(username)|\(address)", on: db) { db in
            try await LoginFailure.query(on: db)
                .filter(\.$username == username).filter(\.$address == address)
                .sort(\.$failedAt, .descending).first()?.delete(on: db)
        }
    }

    /// The password check of a reserved attempt. One turned away because every hashing thread is
    /// busy (`503`) guessed nothing, so it is not counted as a failure.
    func check(username: String, address: String, _ verify: () async throws -> Bool) async throws -> Bool {
        do {
            return try await verify()
        } catch let error as APIError where error.code == PasswordHasherPool.busyCode {
            try await release(username: username, address: address)
            throw error
        }
    }

    /// Checks a password of a signed-in user (e-mail or password change) under the same limit as
    /// logins, so a stolen access token cannot be used to guess the password.
    static func verify(_ password: String, of user: User, _ req: Request) async throws -> Bool {
        let limiter = LoginLimiter(config: req.application.config, db: req.db)
        if let wait = try await limiter.reserve(username: user.username, address: req.clientAddress) {
            throw APIError.throttled(retryAfter: wait)
        }
        guard
            try await limiter.check(
                username: user.username, address: req.clientAddress,
                {
                    try await req.passwordHasher.verify(password, created: user.passwordHash)
                })
        else { return false }
        try await limiter.reset(username: user.username, address: req.clientAddress)
        return true
    }
}
