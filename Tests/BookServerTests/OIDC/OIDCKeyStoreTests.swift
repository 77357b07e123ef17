import BookModel
import Foundation
import JWTKit
import Logging
import Testing

@testable import BookServer

/// The key cache against a provider made of closures: what is fetched when, and what is refused.
@Suite struct OIDCKeyStoreTests {
    static let issuer = "https://sso.example.org/realms/books"

    /// A fake provider: its JWKS can change, it can go down, and it counts JWKS fetches.
    final class FakeProvider: @unchecked Sendable {
        private let lock = NSLock()
        private var _jwks: String
        private var _down = false
        private var _jwksFetches = 0
        private var _now = Date(timeIntervalSince1970: 1_800_000_000)

        init(jwks: String) { _jwks = jwks }

        func locked<T>(_ body: () throws -> T) rethrows -> T { lock.lock(); defer { lock.unlock() }; return try body() }
        var jwks: String {
            get { locked { _jwks } }
            set { locked { _jwks = newValue } }
        }
        var down: Bool {
            get { locked { _down } }
            set { locked { _down = newValue } }
        }
        var jwksFetches: Int { locked { _jwksFetches } }
        var now: Date { locked { _now } }
        func advance(_ seconds: TimeInterval) { locked { _now += seconds } }

        var effects: OIDCEffects {
            OIDCEffects(
                fetch: { url in
                    // Give other requests a chance to run meanwhile, as a real network round trip would.
                    for _ in 0..<5 { await Task.yield() }
                    return try self.locked {
                        if self._down { throw URLError(.cannotConnectToHost) }
                        if url.hasSuffix("/.well-known/openid-configuration") {
                            let doc =
                                #"{"issuer": "\#(OIDCKeyStoreTests.issuer)", "jwks_uri": "\#(OIDCKeyStoreTests.issuer)/certs"}"#
                            return .init(status: 200, body: Data(doc.utf8))
                        }
                        self._jwksFetches += 1
                        return .init(status: 200, body: Data(self._jwks.utf8))
                    }
                }, now: { self.now })
        }
    }

    struct Signer {
        let key = ES256PrivateKey()
        let kid: String
        let keys = JWTKeyCollection()

        init(kid: String) async {
            self.kid = kid
            await keys.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        }

        var jwk: String {
            let p = key.parameters!
            return
                #"{"kty": "EC", "crv": "P-256", "x": "\#(p.x)", "y": "\#(p.y)", "kid": "\#(kid)", "alg": "ES256", "use": "sig"}"#
        }

        func token(sub: String = "s-1", kid: String? = nil) async throws -> String {
            try await keys.sign(
                AccessTokenClaims(iss: OIDCKeyStoreTests.issuer, sub: sub),
                kid: JWKIdentifier(string: kid ?? self.kid))
        }
    }

    static func jwks(_ keys: String...) -> String {
        // An encryption key as Keycloak publishes one, which must be skipped, not break the set.
        let enc = #"{"kty": "RSA", "use": "enc", "alg": "RSA-OAEP", "kid": "enc-1", "n": "AQAB", "e": "AQAB"}"#
        return #"{"keys": [\#(([enc] + keys).joined(separator: ","))]}"#
    }

    func store(_ provider: FakeProvider) -> OIDCKeyStore {
        OIDCKeyStore(
            issuer: Self.issuer, internalURL: nil, refetchInterval: 10, effects: provider.effects,
            logger: Logger(label: "test"))
    }

    @Test func verifiesWithCachedKeysAndRefetchesOnceForAnUnknownKid() async throws {
        // setup
        let a = await Signer(kid: "a")
        let provider = FakeProvider(jwks: Self.jwks(a.jwk))
        let keys = store(provider)

        // exercise, validate: first use fetches, later uses do not
        #expect(try await keys.verify(try await a.token(), as: AccessTokenClaims.self).sub == "s-1")
        #expect(try await keys.verify(try await a.token(sub: "s-2"), as: AccessTokenClaims.self).sub == "s-2")
        #expect(provider.jwksFetches == 1)

        // rotation: an unknown kid fetches again, once
        let b = await Signer(kid: "b")
        provider.jwks = Self.jwks(b.jwk)
        #expect(try await keys.verify(try await b.token(), as: AccessTokenClaims.self).sub == "s-1")
        #expect(provider.jwksFetches == 2)

        // a flood of made-up kids within the interval: no fetch at all
        for i in 0..<20 {
            await #expect(throws: OIDCRejection("Token signing key is unknown")) {
                try await keys.verify(try await b.token(kid: "made-up-\(i)"), as: AccessTokenClaims.self)
            }
        }
        #expect(provider.jwksFetches == 2)
        // the old key is gone with the rotation
        await #expect(throws: OIDCRejection("Token signing key is unknown")) {
            try await keys.verify(try await a.token(), as: AccessTokenClaims.self)
        }
        provider.advance(11)
        await #expect(throws: OIDCRejection("Token signing key is unknown")) {
            try await keys.verify(try await b.token(kid: "made-up"), as: AccessTokenClaims.self)
        }
        #expect(provider.jwksFetches == 3)
    }

    @Test func concurrentRequestsForANewKeyShareOneFetch() async throws {
        // setup
        let a = await Signer(kid: "a")
        let b = await Signer(kid: "b")
        let provider = FakeProvider(jwks: Self.jwks(a.jwk))
        let keys = store(provider)
        _ = try await keys.verify(try await a.token(), as: AccessTokenClaims.self)
        provider.jwks = Self.jwks(b.jwk)
        let token = try await b.token()

        // exercise
        let accepted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 {
                group.addTask { (try? await keys.verify(token, as: AccessTokenClaims.self)) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }

        // validate
        #expect(accepted == 10)
        #expect(provider.jwksFetches == 2)
    }

    @Test func aProviderThatIsDownDoesNotStopCachedKeys() async throws {
        // setup
        let a = await Signer(kid: "a")
        let provider = FakeProvider(jwks: Self.jwks(a.jwk))
        let keys = store(provider)
        _ = try await keys.verify(try await a.token(), as: AccessTokenClaims.self)

        // exercise: down, and the cache is even old enough to be refreshed
        provider.down = true
        provider.advance(OIDCKeyStore.maxKeyAge + 1)

        // validate
        #expect(try await keys.verify(try await a.token(sub: "later"), as: AccessTokenClaims.self).sub == "later")
        await #expect(throws: OIDCRejection("Token signing key is unknown")) {
            try await keys.verify(try await a.token(kid: "new"), as: AccessTokenClaims.self)
        }
        #expect(await keys.discovery() != nil)
    }

    @Test func algorithmsThatAreNotAsymmetricAreRefusedBeforeAnyKey() async throws {
        // setup
        let a = await Signer(kid: "a")
        let provider = FakeProvider(jwks: Self.jwks(a.jwk))
        let keys = store(provider)
        let hmac = JWTKeyCollection()
        await hmac.add(hmac: HMACKey(from: a.jwk), digestAlgorithm: .sha256, kid: "a")
        let hs256 = try await hmac.sign(AccessTokenClaims(iss: Self.issuer, sub: "x"), kid: "a")
        let parts = try await a.token().split(separator: ".")
        let none = Base64URL.encode(Data(#"{"alg":"none","kid":"a"}"#.utf8)) + "." + parts[1] + "."

        // exercise, validate
        await #expect(throws: OIDCRejection("Token algorithm is not accepted")) {
            try await keys.verify(hs256, as: AccessTokenClaims.self)
        }
        await #expect(throws: OIDCRejection("Token algorithm is not accepted")) {
            try await keys.verify(none, as: AccessTokenClaims.self)
        }
        await #expect(throws: OIDCRejection("Token is malformed")) {
            try await keys.verify("garbage", as: AccessTokenClaims.self)
        }
        #expect(provider.jwksFetches == 0)
        // A key used with another algorithm than its own: refused.
        let rs = Base64URL.encode(Data(#"{"alg":"RS256","kid":"a"}"#.utf8)) + "." + parts[1] + "." + parts[2]
        await #expect(throws: OIDCRejection("Token algorithm does not match its key")) {
            try await keys.verify(String(rs), as: AccessTokenClaims.self)
        }
    }
}
