import Fluent
import Vapor

/// The seed's `/api/logout/`, and what clients need to know before signing in.
struct SessionController {
    /// Blacklists the refresh token (and the access token that made the call): `205`.
    ///
    /// A provider user's refresh token and session are the provider's: the client ends them there
    /// (end-session endpoint), and the provider's back-channel logout tells us. Here only the access
    /// token that made the call is blacklisted, so it stops working at once; its session is not
    /// revoked, since the provider may still sign the user in to the same session.
    @Sendable func logout(req: Request) async throws -> HTTPStatus {
        let principal = try req.principal
        if principal.source == .oidc {
            if !principal.tokenID.isEmpty {
                try await LocalAccounts.blacklist(jti: principal.tokenID, expiresAt: principal.tokenExpiresAt, on: req.db)
            }
            return .resetContent
        }
        let object = try req.inputObject()
        guard let value = object["refresh_token"], case .string(let token) = value, !token.isEmpty else {
            throw APIError(.badRequest, "Refresh token not provided.")
        }
        let claims: LocalTokenClaims
        do {
            claims = try await LocalAccounts.usableRefreshToken(token, req)
        } catch let error as APIError {
            throw APIError(.badRequest, error.detail, code: "token_not_valid")
        }
        guard claims.user_id == principal.userID else {
            throw APIError(.badRequest, "This refresh token belongs to another account.")
        }
        try await LocalAccounts.blacklist(jti: claims.jti, expiresAt: claims.expiresAt, on: req.db)
        try await LocalAccounts.blacklist(jti: principal.tokenID, expiresAt: principal.tokenExpiresAt, on: req.db)
        return .resetContent
    }

    /// How to sign in here; `oidc` is null without `OIDC_ISSUER`, so a client needs only our address.
    @Sendable func authConfig(req: Request) async throws -> AuthConfigDTO {
        let lookup = req.application.isbnLookup != nil
        guard let oidc = req.application.oidc else {
            return AuthConfigDTO(local: true, registration: true, oidc: nil, isbn_lookup: lookup)
        }
        return AuthConfigDTO(
            local: true, registration: true,
            oidc: .init(
                issuer: oidc.config.issuer, provider_name: oidc.config.providerName, client_id: oidc.config.clientID,
                scopes: oidc.config.scopes,
                device_authorization: await oidc.deviceAuthorizationSupported()), isbn_lookup: lookup)
    }
}
