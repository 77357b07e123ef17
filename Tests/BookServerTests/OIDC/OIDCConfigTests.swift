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
        let oidc = try #require(
            try AppConfig.load(
                [
                    "OIDC_ISSUER": "https://sso.example.org/realms/books", "OIDC_AUDIENCE": "books-api",
                    "OIDC_INTERNAL_URL": "http://keycloak:8080/realms/books",
                ], environment: .testing
            ).oidc)
        #expect(oidc.audience == "books-api" && oidc.roleClient == "books-api")
        #expect(oidc.internalURL == "http://keycloak:8080/realms/books")
        #expect(oidc.scopes == ["openid", "profile", "email"])
        #expect(oidc.rolesClaims == ["realm_access.roles", "resource_access.books-api.roles"])
        #expect(oidc.providerName == "Keycloak")
    }

    @Test func rolesClaimIsAListOfDottedPaths() throws {
        let issuer = ["OIDC_ISSUER": "http://127.0.0.1:4593/api/oidc"]
        func paths(_ raw: String) throws -> [String]? {
            try AppConfig.load(issuer.merging(["OIDC_ROLES_CLAIM": raw]) { $1 }, environment: .testing).oidc?.rolesClaims
        }
        #expect(try paths("roles") == ["roles"])
        #expect(try paths(" groups , resource_access.booktui.roles ") == ["groups", "resource_access.booktui.roles"])
        #expect(throws: ConfigError.self) { try paths("realm_access..roles") }
        #expect(throws: ConfigError.self) { try paths("roles.") }
    }

    @Test(
        arguments: [
            ("https://sso.example.org/realms/books", nil, "Keycloak"),
            ("http://127.0.0.1:4593/glewlwyd/api/oidc", nil, "Glewlwyd"),
            ("https://accounts.google.com", nil, "Google"),
            ("https://login.example.org/oidc", nil, "login.example.org"),
            ("https://login.example.org/oidc", "Example SSO", "Example SSO"),
        ] as [(String, String?, String)])
    func providerNameIsSetOrDerived(_ issuer: String, _ name: String?, _ expected: String) throws {
        var env = ["OIDC_ISSUER": issuer]
        if let name { env["OIDC_PROVIDER_NAME"] = name }
        #expect(try AppConfig.load(env, environment: .testing).oidc?.providerName == expected)
    }
}
