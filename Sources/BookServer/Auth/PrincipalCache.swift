import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// The principals of our access tokens seen in the last moment (`AUTH_CACHE_MS`, 1,000 ms at most
/// and by default; 0 turns it off), so that a client's burst of reads (a list and its pages, a
/// scan, a benchmark) costs neither a signature check nor a database query per request.
///
/// Staleness is bounded, and nothing is ever stale on this replica: every request that may write
/// (anything but a GET, HEAD or OPTIONS of the API, see `AuthCacheInvalidation`) empties it when it
/// starts and when it ends, and an answer read before such a write is not kept. What another
/// replica or `book-server roles` changes (a logout there, a role granted) is seen here within
/// `lifetime`. A token is kept by its exact text, never past its own expiry; refusals are never
/// kept.
final class PrincipalCache: Sendable {
    struct Entry {
        var principal: Principal
        var until: NIODeadline
    }

    private struct State {
        var generation: UInt64 = 0
        var entries: [String: Entry] = [:]
    }

    private let state = NIOLockedValueBox(State())
    let lifetime: TimeAmount
    /// Tokens kept at most; past it the cache starts again empty.
    let capacity: Int

    init(lifetime: TimeAmount, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    var isEnabled: Bool { lifetime > .zero }

    /// The principal of `token` if it was read within `lifetime` and nothing was written since.
    func principal(for token: String, now: NIODeadline = .now()) -> Principal? {
        guard isEnabled else { return nil }
        return state.withLockedValue { state in
            guard let entry = state.entries[token] else { return nil }
            guard entry.until > now else {
                state.entries[token] = nil
                return nil
            }
            return entry.principal
        }
    }

    /// Taken before the database is asked, and handed to `store`.
    var generation: UInt64 { state.withLockedValue { $0.generation } }

    /// Keeps `principal` unless something was written since `generation` was taken.
    func store(_ principal: Principal, for token: String, readAt generation: UInt64, now: NIODeadline = .now()) {
        guard isEnabled else { return }
        let left = principal.tokenExpiresAt.timeIntervalSinceNow
        guard left > 0 else { return }
        let until = now + min(lifetime, .nanoseconds(Int64(left * 1e9)))
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[token] = Entry(principal: principal, until: until)
        }
    }

    /// Forgets everything (a write may have changed a user, a role or a revocation).
    func invalidate() {
        guard isEnabled else { return }
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }
}

/// Empties the `PrincipalCache` around every request that may write. A read is a GET, HEAD or
/// OPTIONS of the API (`/api/…`, `/healthz`); the pages opened from e-mails are GETs that write
/// (`/activate/…` activates, `/confirm-email/…` changes the address), so they count as writes.
/// Future-based: a read passes through without a task of its own.
struct AuthCacheInvalidation: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        if Self.isRead(request) { return next.respond(to: request) }
        let cache = request.application.principalCache
        cache.invalidate()
        return next.respond(to: request).always { _ in cache.invalidate() }
    }

    static func isRead(_ request: Request) -> Bool {
        switch request.method {
        case .GET, .HEAD, .OPTIONS:
            let path = request.url.path
            return path.hasPrefix("/api/") || path == "/healthz"
        default:
            return false
        }
    }
}

extension Application {
    private struct PrincipalCacheKey: StorageKey { typealias Value = PrincipalCache }

    var principalCache: PrincipalCache {
        get { storage[PrincipalCacheKey.self] ?? PrincipalCache(lifetime: .zero) }
        set { storage[PrincipalCacheKey.self] = newValue }
    }
}
