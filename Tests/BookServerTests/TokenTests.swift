import Foundation
import Testing

@testable import BookServer

@Suite struct TokenTests {
    @Test func localTokensRoundTripAndKeepTheirKind() async throws {
        let tokens = await LocalTokens(
            secret: "test-secret-0123456789abcdef0123456789", accessLifetime: 300, refreshLifetime: 86400)
        let claims = tokens.make(.access, userID: 7)
        let jwt = try await tokens.sign(claims)
        #expect(LocalTokens.isLocal(jwt))
        #expect(await tokens.verify(jwt, as: .access) == claims)
        #expect(await tokens.verify(jwt, as: .refresh) == nil)
        let other = await LocalTokens(
            secret: "another-secret-0123456789abcdef012345", accessLifetime: 300, refreshLifetime: 86400)
        #expect(await other.verify(jwt, as: .access) == nil)
    }

    @Test func expiredTokensAreRefused() async throws {
        let tokens = await LocalTokens(secret: "s-0123456789abcdef0123456789abcdef", accessLifetime: 60, refreshLifetime: 60)
        let old = tokens.make(.access, userID: 1, now: Date().addingTimeInterval(-120))
        #expect(await tokens.verify(try await tokens.sign(old), as: .access) == nil)
    }

    @Test func oneTimeTokensDieWithTheStateTheyWereMadeFrom() {
        let tokens = OneTimeTokens(secret: "s", lifetime: 3600)
        let user = User(username: "ann", email: "ann@example.org", passwordHash: "hash-1", isActive: false)
        user.id = 3
        let token = tokens.make(.activation, for: user)
        #expect(tokens.check(token, .activation, for: user))
        #expect(!tokens.check(token, .reset, for: user))
        #expect(!tokens.check(token, .activation, for: user, now: Date().addingTimeInterval(7200)))
        user.isActive = true
        #expect(!tokens.check(token, .activation, for: user))
        user.isActive = false
        user.passwordHash = "hash-2"
        #expect(!tokens.check(token, .activation, for: user))
        #expect(!tokens.check("garbage", .activation, for: user))
    }

    @Test func uidsRoundTrip() {
        #expect(OneTimeTokens.decodeUID(OneTimeTokens.encodeUID(12345)) == 12345)
        #expect(OneTimeTokens.encodeUID(1) == "MQ")
        #expect(OneTimeTokens.decodeUID("!!") == nil)
    }
}
