import Foundation

/// The parts of the provider's discovery document (`<issuer>/.well-known/openid-configuration`)
/// that booktui uses. No provider path is written into the code: everything comes from here.
public struct ProviderMetadata: Sendable, Equatable {
    public var issuer: String
    public var authorizationEndpoint: String
    public var tokenEndpoint: String
    public var jwksURI: String
    public var deviceAuthorizationEndpoint: String?
    public var endSessionEndpoint: String?
    public var revocationEndpoint: String?
    public var userinfoEndpoint: String?

    /// Reads a discovery document, checking that it speaks for `issuer` (OpenID Connect
    /// Discovery §4.3: the `issuer` inside must equal the one it was fetched for).
    public init(json: Any?, expectedIssuer: String) throws {
        guard let o = json as? [String: Any] else { throw APIError.sso("The provider's discovery document is not JSON.") }
        func req(_ k: String) throws -> String {
            guard let v = o[k] as? String, !v.isEmpty else {
                throw APIError.sso("The provider's discovery document has no \(k).")
            }
            return v
        }
        issuer = try req("issuer")
        guard ServerAddress.normalized(issuer) == ServerAddress.normalized(expectedIssuer) else {
            throw APIError.sso("The provider says it is \(issuer), not \(expectedIssuer) as the server advertised.")
        }
        authorizationEndpoint = try req("authorization_endpoint")
        tokenEndpoint = try req("token_endpoint")
        jwksURI = try req("jwks_uri")
        deviceAuthorizationEndpoint = o["device_authorization_endpoint"] as? String
        endSessionEndpoint = o["end_session_endpoint"] as? String
        revocationEndpoint = o["revocation_endpoint"] as? String
        userinfoEndpoint = o["userinfo_endpoint"] as? String
    }

    public static func discoveryURL(issuer: String) -> String {
        ServerAddress.normalized(issuer) + "/.well-known/openid-configuration"
    }
}
