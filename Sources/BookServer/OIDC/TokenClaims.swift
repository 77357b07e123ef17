import Foundation
import JWTKit

/// `aud`, which is a string or an array of strings (RFC 7519 §4.1.3).
public struct Audience: Codable, Sendable, Equatable {
    public var values: [String]

    public init(_ values: [String]) { self.values = values }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            values = [one]
        } else {
            values = try container.decode([String].self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try values.count == 1 ? container.encode(values[0]) : container.encode(values)
    }
}

/// Keycloak's role lists: `{"roles": [...]}` in `realm_access` and in each `resource_access` entry.
public struct RoleList: Codable, Sendable, Equatable {
    public var roles: [String]?
}

/// The claims of a provider's access token that the server reads. Time and audience are checked by
/// `OIDCTokenRules` against an injected clock, not in `verify(using:)`, so tests control time.
public struct AccessTokenClaims: JWTPayload, Equatable {
    public var iss: String?
    public var sub: String?
    public var aud: Audience?
    public var azp: String?
    public var exp: Double?
    public var nbf: Double?
    public var iat: Double?
    public var auth_time: Double?
    public var jti: String?
    public var sid: String?
    public var preferred_username: String?
    public var email: String?
    public var given_name: String?
    public var family_name: String?
    public var realm_access: RoleList?
    public var resource_access: [String: RoleList]?

    public init(iss: String? = nil, sub: String? = nil, aud: Audience? = nil, azp: String? = nil,
                exp: Double? = nil, nbf: Double? = nil, iat: Double? = nil) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.azp = azp
        self.exp = exp
        self.nbf = nbf
        self.iat = iat
    }

    public func verify(using algorithm: some JWTAlgorithm) throws {}

    /// Realm roles plus the client roles of `roleClient`: what the policy sees.
    public func roles(roleClient: String) -> Set<String> {
        Set(realm_access?.roles ?? []).union(resource_access?[roleClient]?.roles ?? [])
    }
}

/// The claims of a back-channel `logout_token` (OpenID Connect Back-Channel Logout 1.0 §2.4).
public struct LogoutTokenClaims: JWTPayload, Equatable {
    public var iss: String?
    public var sub: String?
    public var aud: Audience?
    public var iat: Double?
    public var exp: Double?
    public var jti: String?
    public var sid: String?
    public var nonce: String?
    public var events: [String: EmptyObject]?

    /// The value of an event entry: any JSON object; its members are ignored.
    public struct EmptyObject: Codable, Sendable, Equatable {
        public init() {}
        public init(from decoder: any Decoder) throws { _ = try decoder.container(keyedBy: AnyKey.self) }
        public func encode(to encoder: any Encoder) throws { _ = encoder.container(keyedBy: AnyKey.self) }
        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    public init(iss: String? = nil, sub: String? = nil, aud: Audience? = nil, iat: Double? = nil,
                sid: String? = nil, events: [String: EmptyObject]? = nil) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.iat = iat
        self.sid = sid
        self.events = events
    }

    public func verify(using algorithm: some JWTAlgorithm) throws {}
}
