import Foundation
import NIOCore
import Testing

@testable import BookServer

/// The cache of checked access tokens: kept at most its lifetime and never past the token's
/// expiry, forgotten on every local write, and never filled with what was read before one.
@Suite struct PrincipalCacheTests {
    static func principal(expiresIn seconds: TimeInterval = 300) -> Principal {
        let user = User(username: "ann", email: "ann@example.org", passwordHash: "x", isActive: true)
        user.id = 7
        return Principal(
            user: user, roles: ["librarian"], source: .local, tokenID: "j",
            tokenExpiresAt: Date().addingTimeInterval(seconds))
    }

    @Test func keptForItsLifetimeOnly() {
        let cache = PrincipalCache(lifetime: .milliseconds(1000))
        let t0 = NIODeadline.now()
        cache.store(Self.principal(), for: "token", readAt: cache.generation, now: t0)
        #expect(cache.principal(for: "token", now: t0 + .milliseconds(999))?.userID == 7)
        #expect(cache.principal(for: "other", now: t0) == nil)
        #expect(cache.principal(for: "token", now: t0 + .milliseconds(1000)) == nil)
    }

    @Test func neverPastTheTokensExpiry() {
        let cache = PrincipalCache(lifetime: .milliseconds(1000))
        let t0 = NIODeadline.now()
        cache.store(Self.principal(expiresIn: 0.2), for: "token", readAt: cache.generation, now: t0)
        #expect(cache.principal(for: "token", now: t0 + .milliseconds(100)) != nil)
        #expect(cache.principal(for: "token", now: t0 + .milliseconds(300)) == nil)
        cache.store(Self.principal(expiresIn: -1), for: "expired", readAt: cache.generation, now: t0)
        #expect(cache.principal(for: "expired", now: t0) == nil)
    }

    @Test func aWriteForgetsEverythingAndWhatWasReadBeforeItIsNotKept() {
        let cache = PrincipalCache(lifetime: .milliseconds(1000))
        cache.store(Self.principal(), for: "token", readAt: cache.generation)
        cache.invalidate()
        #expect(cache.principal(for: "token") == nil)
        let before = cache.generation
        cache.invalidate()  // a write ran while the query was out
        cache.store(Self.principal(), for: "token", readAt: before)
        #expect(cache.principal(for: "token") == nil)
    }

    @Test func offMeansOff() {
        let cache = PrincipalCache(lifetime: .zero)
        cache.store(Self.principal(), for: "token", readAt: cache.generation)
        #expect(cache.principal(for: "token") == nil)
    }
}
