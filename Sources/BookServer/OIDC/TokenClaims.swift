import Foundation
import JWTKit

/// The claims of a provider's access token that the server reads. Time and audience are checked by
/// `OIDCTokenRules` against an injected clock, not in `verify(using:)`, so tests control time.
/// `raw` holds every claim, so roles can be read at whatever path the provider puts them.
public struct AccessTokenClaims: JWTPayload, Equatable {
    public var iss: String?
    public var sub: String?
    /// `aud`: one string or an array of them (RFC 7519 §4.1.3), as JWTKit reads it.
    public var aud: AudienceClaim?
    public var azp: String?
    /// The client the token was issued to, as RFC 9068 names it (glewlwyd puts it only here).
    public var client_id: String?
    public var exp: Double?
    public var nbf: Double?
    public var iat: Double?
    public var auth_time: Double?
    public var jti: String?
    public var sid: String?
    public var preferred_username: String?
    public var email: String?
    /// Whether the provider checked that the user owns `email`: only then may a first sign-in
    /// take over an account imported from the seed (`import-django`) with that address.
    public var email_verified: Bool?
    public var given_name: String?
    public var family_name: String?
    public var raw: [String: JSONValue] = [:]

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, azp, client_id, exp, nbf, iat, auth_time, jti, sid, preferred_username, email, email_verified
        case given_name, family_name
    }

    public init(
        iss: String? = nil, sub: String? = nil, aud: AudienceClaim? = nil, azp: String? = nil,
        exp: Double? = nil, nbf: Double? = nil, iat: Double? = nil
    ) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.azp = azp
        self.exp = exp
        self.nbf = nbf
        self.iat = iat
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        iss = try c.decodeIfPresent(String.self, forKey: .iss)
        sub = try c.decodeIfPresent(String.self, forKey: .sub)
        aud = try c.decodeIfPresent(AudienceClaim.self, forKey: .aud)
        azp = try c.decodeIfPresent(String.self, forKey: .azp)
        client_id = try c.decodeIfPresent(String.self, forKey: .client_id)
        exp = try c.decodeIfPresent(Double.self, forKey: .exp)
        nbf = try c.decodeIfPresent(Double.self, forKey: .nbf)
        iat = try c.decodeIfPresent(Double.self, forKey: .iat)
        auth_time = try c.decodeIfPresent(Double.self, forKey: .auth_time)
        jti = try c.decodeIfPresent(String.self, forKey: .jti)
        sid = try c.decodeIfPresent(String.self, forKey: .sid)
        preferred_username = try c.decodeIfPresent(String.self, forKey: .preferred_username)
        email = try c.decodeIfPresent(String.self, forKey: .email)
        email_verified = try? c.decodeIfPresent(Bool.self, forKey: .email_verified)
        given_name = try c.decodeIfPresent(String.self, forKey: .given_name)
        family_name = try c.decodeIfPresent(String.self, forKey: .family_name)
        raw = (try? [String: JSONValue](from: decoder)) ?? [:]
    }

    public func verify(using algorithm: some JWTAlgorithm) throws {}

    /// The union of the strings at each dotted path (`OIDC_ROLES_CLAIM`): what the policy sees.
    public func roles(paths: [String]) -> Set<String> {
        Set(paths.flatMap { JSONValue.lookup($0, in: raw)?.strings ?? [] })
    }

    /// Whether the token names the user at all; when not, the profile comes from userinfo.
    public var lacksProfile: Bool {
        preferred_username == nil && email == nil && given_name == nil && family_name == nil
    }

    /// Fills the profile claims the token lacks from a userinfo answer of the same subject. A
    /// provider that has only `name` (glewlwyd) gets it as the first name.
    public mutating func fillProfile(from info: [String: JSONValue]) {
        guard info["sub"]?.string == sub else { return }
        preferred_username = preferred_username ?? info["preferred_username"]?.string
        if email == nil, let address = info["email"]?.string {
            email = address
            email_verified = info["email_verified"] == .bool(true)
        }
        if given_name == nil, family_name == nil, info["given_name"] == nil, info["family_name"] == nil {
            given_name = info["name"]?.string
        }
        given_name = given_name ?? info["given_name"]?.string
        family_name = family_name ?? info["family_name"]?.string
    }
}

/// The claims of a back-channel `logout_token` (OpenID Connect Back-Channel Logout 1.0 §2.4).
public struct LogoutTokenClaims: JWTPayload, Equatable {
    public var iss: String?
    public var sub: String?
    /// `aud`: one string or an array of them (RFC 7519 §4.1.3), as JWTKit reads it.
    public var aud: AudienceClaim?
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

    public init(
        iss: String? = nil, sub: String? = nil, aud: AudienceClaim? = nil, iat: Double? = nil,
        sid: String? = nil, events: [String: EmptyObject]? = nil
    ) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.iat = iat
        self.sid = sid
        self.events = events
    }

    public func verify(using algorithm: some JWTAlgorithm) throws {}
}
