import Fluent
import Foundation

/// Slows password guessing: after `loginFailureLimit` failures for one username from one address
/// within the window, further attempts get `429` until the oldest failure leaves the window.
/// Counters live in the database, so every replica sees the same count.
struct LoginLimiter {
    let config: AppConfig
    let db: any Database

    func retryAfter(username: String, address: String, now: Date = Date()) async throws -> Int? {
        let windowStart = now.addingTimeInterval(-TimeInterval(config.loginFailureWindow))
        let failures = try await LoginFailure.query(on: db)
            .filter(\.$username == username).filter(\.$address == address)
            .filter(\.$failedAt > windowStart)
            .sort(\.$failedAt, .descending)
            .range(0..<config.loginFailureLimit)
            .all()
        guard failures.count >= config.loginFailureLimit, let oldest = failures.last else { return nil }
        let free = oldest.failedAt.addingTimeInterval(TimeInterval(config.loginFailureWindow))
        return max(1, Int(free.timeIntervalSince(now).rounded(.up)))
    }

    func recordFailure(username: String, address: String) async throws {
        try await LoginFailure(username: username, address: address, failedAt: Date()).create(on: db)
        // Old rows are of no use; keep the table small.
        let cutoff = Date().addingTimeInterval(-TimeInterval(config.loginFailureWindow))
        try await LoginFailure.query(on: db).filter(\.$failedAt < cutoff).delete()
    }

    func reset(username: String, address: String) async throws {
        try await LoginFailure.query(on: db)
            .filter(\.$username == username).filter(\.$address == address).delete()
    }
}
