import Foundation

/// Why a provider's token was refused; the reason goes into the 401's `messages` and the log.
public struct OIDCRejection: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The claim checks for provider tokens, apart from the signature: pure, so they are unit-tested.
public enum OIDCTokenRules {
    /// Clock skew tolerated between the provider and us, in seconds.
    public static let leeway: TimeInterval = 30
    /// How old a logout token's `iat` may be: the provider sends it right away.
    public static let logoutTokenMaxAge: TimeInterval = 10 * 60
    /// The `events` member that makes a JWT a back-channel logout token.
    public static let backchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout"

    /// Checks `iss`, `sub`, `aud`/`azp`, `exp` and `nbf` of an access token. The audience is any of
    /// `audiences` (the API's `OIDC_AUDIENCE` and the client's `OIDC_CLIENT_ID`), named in `aud`, as
    /// `azp` or as `client_id` (RFC 9068): Keycloak puts the API in `aud`; others name only the
    /// client, in one of the three (glewlwyd in `client_id`, its `aud` being the scopes).
    public static func checkAccess(_ c: AccessTokenClaims, issuer: String, audiences: Set<String>, now: Date)
        throws(OIDCRejection)
    {
        let t = now.timeIntervalSince1970
        guard c.iss == issuer else { throw OIDCRejection("Token issuer is not accepted") }
        guard let sub = c.sub, !sub.isEmpty else { throw OIDCRejection("Token has no subject") }
        let named = (c.aud?.value ?? []) + [c.azp, c.client_id].compactMap { $0 }
        guard !audiences.isDisjoint(with: named) else {
            throw OIDCRejection("Token audience is not accepted")
        }
        guard let exp = c.exp else { throw OIDCRejection("Token has no expiry") }
        guard exp + leeway > t else { throw OIDCRejection("Token is expired") }
        if let nbf = c.nbf, nbf - leeway > t { throw OIDCRejection("Token is not valid yet") }
    }

    /// Checks a back-channel logout token as §2.6 of the spec asks, except the signature. The
    /// audience may be any of `audiences`: Keycloak addresses it to the client of the session
    /// (`booktui`), not to the API.
    public static func checkLogout(_ c: LogoutTokenClaims, issuer: String, audiences: Set<String>, now: Date)
        throws(OIDCRejection)
    {
        let t = now.timeIntervalSince1970
        guard c.iss == issuer else { throw OIDCRejection("issuer is not accepted") }
        guard let aud = c.aud?.value, !audiences.isDisjoint(with: aud) else {
            throw OIDCRejection("audience is not accepted")
        }
        guard let iat = c.iat else { throw OIDCRejection("iat is missing") }
        guard iat - leeway <= t, iat + logoutTokenMaxAge >= t else { throw OIDCRejection("iat is out of range") }
        if let exp = c.exp, exp + leeway <= t { throw OIDCRejection("token is expired") }
        guard c.events?[backchannelLogoutEvent] != nil else { throw OIDCRejection("not a back-channel logout event") }
        guard c.sid?.isEmpty == false || c.sub?.isEmpty == false else { throw OIDCRejection("neither sid nor sub") }
        guard c.nonce == nil else { throw OIDCRejection("a logout token must not carry a nonce") }
    }
}
