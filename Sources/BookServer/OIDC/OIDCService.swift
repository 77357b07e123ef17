import Foundation
import Logging
import Vapor

/// The server's side of OpenID Connect: checks the provider's access and logout tokens.
public struct OIDCService: Sendable {
    public let config: AppConfig.OIDC
    public let keys: OIDCKeyStore
    let effects: OIDCEffects
    let userinfo = UserinfoCache()
    let logger: Logger

    public init(config: AppConfig.OIDC, effects: OIDCEffects, logger: Logger) {
        self.config = config
        self.effects = effects
        self.logger = logger
        self.keys = OIDCKeyStore(
            issuer: config.issuer, internalURL: config.internalURL,
            refetchInterval: TimeInterval(config.keyRefetchInterval), effects: effects, logger: logger)
    }

    /// The claims of a valid access token for this API.
    /// - Throws: `OIDCRejection` saying what is wrong with it.
    public func verifyAccessToken(_ token: String) async throws(OIDCRejection) -> AccessTokenClaims {
        let claims = try await keys.verify(token, as: AccessTokenClaims.self)
        try OIDCTokenRules.checkAccess(
            claims, issuer: config.issuer, audiences: [config.audience, config.clientID], now: effects.now())
        return claims
    }

    /// `claims` with the profile from the userinfo endpoint when the token names nobody; as they
    /// are when the provider has no userinfo endpoint or it fails.
    func withProfile(_ claims: AccessTokenClaims, token: String) async -> AccessTokenClaims {
        guard claims.lacksProfile, let subject = claims.sub,
            let endpoint = await keys.discovery()?.userinfo_endpoint,
            let info = await userinfo.info(for: subject, token: token, endpoint: endpoint, effects: effects, logger: logger)
        else { return claims }
        var filled = claims
        filled.fillProfile(from: info)
        return filled
    }

    /// The claims of a valid back-channel logout token. Its audience is the client that took part
    /// in the session (`OIDC_CLIENT_ID`) or, should a provider address it so, the API itself.
    /// - Throws: `OIDCRejection` saying what is wrong with it.
    public func verifyLogoutToken(_ token: String) async throws(OIDCRejection) -> LogoutTokenClaims {
        let claims = try await keys.verify(token, as: LogoutTokenClaims.self)
        try OIDCTokenRules.checkLogout(
            claims, issuer: config.issuer, audiences: [config.clientID, config.audience], now: effects.now())
        return claims
    }

    /// Whether the provider offers the device authorization grant (RFC 8628); false while it
    /// cannot be reached, since a client could not use it then anyway.
    public func deviceAuthorizationSupported() async -> Bool {
        await keys.discovery()?.device_authorization_endpoint != nil
    }

    public var now: Date { effects.now() }
}

extension Application {
    private struct OIDCKey: StorageKey { typealias Value = OIDCService }

    /// The OpenID Connect service; nil when `OIDC_ISSUER` is not set.
    public var oidc: OIDCService? {
        get { storage[OIDCKey.self] }
        set { storage[OIDCKey.self] = newValue }
    }
}
