import Foundation
import JWTKit
import Testing

@testable import BookServer

@Suite struct OIDCTokenRulesTests {
    let issuer = "https://sso.example.org/realms/books"
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func access(_ change: (inout AccessTokenClaims) -> Void = { _ in }) -> AccessTokenClaims {
        var c = AccessTokenClaims(
            iss: issuer, sub: "s-1", aud: AudienceClaim(value: ["book-server", "account"]), azp: "booktui",
            exp: now.timeIntervalSince1970 + 300, iat: now.timeIntervalSince1970)
        change(&c)
        return c
    }

    func reason(_ claims: AccessTokenClaims) -> String? {
        do {
            try OIDCTokenRules.checkAccess(claims, issuer: issuer, audiences: ["book-server", "booktui"], now: now)
            return nil
        } catch { return error.reason }
    }

    @Test func aGoodAccessTokenPasses() {
        #expect(reason(access()) == nil)
        // `azp` alone names the audience too.
        #expect(
            reason(
                access {
                    $0.aud = AudienceClaim(value: ["account"]); $0.azp = "book-server"
                }) == nil)
        // The client id in `aud` (glewlwyd) or as `azp` with no `aud` at all.
        #expect(
            reason(
                access {
                    $0.aud = AudienceClaim(value: ["booktui"]); $0.azp = nil
                }) == nil)
        #expect(
            reason(
                access {
                    $0.aud = nil; $0.azp = "booktui"
                }) == nil)
        // glewlwyd: `aud` is the scope list, the client is in `client_id`.
        #expect(
            reason(
                access {
                    $0.aud = AudienceClaim(value: ["openid profile email"]); $0.azp = nil; $0.client_id = "booktui"
                }) == nil)
        // Within the leeway.
        #expect(reason(access { $0.exp = now.timeIntervalSince1970 - 5 }) == nil)
    }

    @Test(arguments: [
        ("foreign issuer", "Token issuer is not accepted"),
        ("issuer with a slash", "Token issuer is not accepted"),
        ("no subject", "Token has no subject"),
        ("wrong audience", "Token audience is not accepted"),
        ("no audience", "Token audience is not accepted"),
        ("no expiry", "Token has no expiry"),
        ("expired", "Token is expired"),
        ("not yet valid", "Token is not valid yet"),
    ])
    func badAccessTokensAreRefused(_ name: String, _ expected: String) {
        let claims: AccessTokenClaims =
            switch name {
            case "foreign issuer": access { $0.iss = "https://evil.example.org/realms/books" }
            case "issuer with a slash": access { $0.iss = issuer + "/" }
            case "no subject": access { $0.sub = nil }
            case "wrong audience":
                access {
                    $0.aud = AudienceClaim(value: ["other"]); $0.azp = "other"; $0.client_id = "other"
                }
            case "no audience":
                access {
                    $0.aud = nil; $0.azp = nil
                }
            case "no expiry": access { $0.exp = nil }
            case "expired": access { $0.exp = now.timeIntervalSince1970 - 120 }
            default: access { $0.nbf = now.timeIntervalSince1970 + 3600 }
            }
        #expect(reason(claims) == expected)
    }

    @Test func rolesAreReadAtTheConfiguredPaths() throws {
        let json =
            #"{"sub": "s-1", "realm_access": {"roles": ["offline_access", "admin"]},"#
            + #""resource_access": {"book-server": {"roles": ["librarian"]}, "other": {"roles": ["boss"]}},"#
            + #""roles": "reader editor", "groups": ["staff"], "n": 3}"#
        let c = try JSONDecoder().decode(AccessTokenClaims.self, from: Data(json.utf8))
        #expect(c.sub == "s-1")
        #expect(
            c.roles(paths: ["realm_access.roles", "resource_access.book-server.roles"])
                == ["offline_access", "admin", "librarian"])
        #expect(c.roles(paths: ["realm_access.roles", "resource_access.nobody.roles"]) == ["offline_access", "admin"])
        #expect(c.roles(paths: ["roles"]) == ["reader", "editor"])
        #expect(c.roles(paths: ["groups", "n", "missing.deeper", "roles.x"]) == ["staff"])
    }

    @Test func userinfoFillsOnlyMissingProfileClaimsOfTheSameSubject() {
        var c = access()
        #expect(c.lacksProfile)
        c.email = "ann@example.org"
        c.fillProfile(from: [
            "sub": .string("s-1"), "email": .string("other@example.org"),
            "preferred_username": .string("ann"), "given_name": .string("Ann"),
        ])
        #expect(c.email == "ann@example.org" && c.preferred_username == "ann" && c.given_name == "Ann")
        c.fillProfile(from: ["sub": .string("s-2"), "family_name": .string("Evil")])
        #expect(c.family_name == nil && !c.lacksProfile)
        var named = access()
        named.fillProfile(from: ["sub": .string("s-1"), "name": .string("Reader One")])
        #expect(named.given_name == "Reader One" && named.family_name == nil)
    }

    func logout(_ change: (inout LogoutTokenClaims) -> Void = { _ in }) -> LogoutTokenClaims {
        var c = LogoutTokenClaims(
            iss: issuer, sub: "s-1", aud: AudienceClaim(value: ["booktui"]), iat: now.timeIntervalSince1970,
            sid: "sid-1", events: [OIDCTokenRules.backchannelLogoutEvent: .init()])
        change(&c)
        return c
    }

    func logoutReason(_ c: LogoutTokenClaims) -> String? {
        do {
            try OIDCTokenRules.checkLogout(c, issuer: issuer, audiences: ["booktui", "book-server"], now: now)
            return nil
        } catch { return error.reason }
    }

    @Test func logoutTokens() {
        #expect(logoutReason(logout()) == nil)
        #expect(logoutReason(logout { $0.sid = nil }) == nil)
        #expect(logoutReason(logout { $0.sub = nil }) == nil)
        #expect(
            logoutReason(
                logout {
                    $0.sid = nil; $0.sub = nil
                }) == "neither sid nor sub")
        #expect(logoutReason(logout { $0.nonce = "n" }) == "a logout token must not carry a nonce")
        #expect(logoutReason(logout { $0.events = [:] }) == "not a back-channel logout event")
        #expect(logoutReason(logout { $0.events = nil }) == "not a back-channel logout event")
        #expect(logoutReason(logout { $0.aud = AudienceClaim(value: ["other"]) }) == "audience is not accepted")
        #expect(logoutReason(logout { $0.iss = "https://evil.example.org" }) == "issuer is not accepted")
        #expect(logoutReason(logout { $0.iat = nil }) == "iat is missing")
        #expect(logoutReason(logout { $0.iat = now.timeIntervalSince1970 - 3600 }) == "iat is out of range")
        #expect(logoutReason(logout { $0.iat = now.timeIntervalSince1970 + 3600 }) == "iat is out of range")
    }

    @Test func discoveryEndpointsMoveToTheInternalAddress() {
        let doc = DiscoveryDocument(
            issuer: issuer, jwks_uri: issuer + "/protocol/openid-connect/certs",
            device_authorization_endpoint: "https://elsewhere.example.org/device")
        let moved = doc.rewritten(issuer: issuer, internalURL: "http://keycloak:8080/realms/books/")
        #expect(moved.issuer == issuer)
        #expect(moved.jwks_uri == "http://keycloak:8080/realms/books/protocol/openid-connect/certs")
        #expect(moved.device_authorization_endpoint == "https://elsewhere.example.org/device")
        #expect(doc.rewritten(issuer: issuer, internalURL: nil) == doc)
        // Only whole path segments move.
        let sibling = DiscoveryDocument(issuer: issuer, jwks_uri: issuer + "2/certs")
        #expect(sibling.rewritten(issuer: issuer, internalURL: "http://kc/realms/books").jwks_uri == issuer + "2/certs")
        #expect(DiscoveryDocument.url(issuer: issuer, internalURL: nil) == issuer + "/.well-known/openid-configuration")
        #expect(
            DiscoveryDocument.url(issuer: issuer, internalURL: "http://kc/realms/books/")
                == "http://kc/realms/books/.well-known/openid-configuration")
    }

    @Test func usernamesKeepTheirClashSuffix() {
        #expect(OIDCAccounts.owns("ann", desired: "ann"))
        #expect(OIDCAccounts.owns("ann-oidc", desired: "ann"))
        #expect(OIDCAccounts.owns("ann-oidc3", desired: "ann"))
        #expect(!OIDCAccounts.owns("anna", desired: "ann"))
        #expect(!OIDCAccounts.owns("ann-oidcx", desired: "ann"))
        var c = AccessTokenClaims(sub: "0123456789abcdef")
        #expect(OIDCAccounts.desiredUsername(c, subject: "0123456789abcdef") == "user-0123456789ab")
        c.email = "Ann@Example.org"
        #expect(OIDCAccounts.desiredUsername(c, subject: "x") == "Ann")
        c.preferred_username = "ann.k"
        #expect(OIDCAccounts.desiredUsername(c, subject: "x") == "ann.k")
    }
}
