import Testing
import Vapor
@testable import BookServer

@Suite struct OIDCConfigTests {
    @Test func keyRefetchInterval() throws {
        let issuer = ["OIDC_ISSUER": "https://sso.example.org/realms/books"]
        #expect(try AppConfig.load(issuer, environment: .testing).oidc?.keyRefetchInterval == 10)
        let custom = issuer.merging(["OIDC_JWKS_REFETCH_INTERVAL": "60"]) { $1 }
        #expect(try AppConfig.load(custom, environment: .testing).oidc?.keyRefetchInterval == 60)
        let zero = issuer.merging(["OIDC_JWKS_REFETCH_INTERVAL": "0"]) { $1 }
        #expect(throws: ConfigError.self) { try AppConfig.load(zero, environment: .testing) }
    }

    @Test func roleClientFollowsTheAudience() throws {
        let oidc = try #require(try AppConfig.load([
            "OIDC_ISSUER": "https://sso.example.org/realms/books", "OIDC_AUDIENCE": "books-api",
            "OIDC_INTERNAL_URL": "http://keycloak:8080/realms/books",
        ], environment: .testing).oidc)
        #expect(oidc.audience == "books-api" && oidc.roleClient == "books-api")
        #expect(oidc.internalURL == "http://keycloak:8080/realms/books")
        #expect(oidc.scopes == ["openid", "profile", "email"])
    }
}
