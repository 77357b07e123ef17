import Fluent
import Vapor

/// The seed's `/api/logout/`, and what clients need to know before signing in.
struct SessionController {
    /// Blacklists the refresh token (and the access token that made the call): `205`.
    @Sendable func logout(req: Request) async throws -> HTTPStatus {
        let principal = try req.principal
        let object = try req.inputObject()
        guard let value = object["refresh_token"], case .string(let token) = value, !token.isEmpty else {
            throw APIError(.badRequest, "Refresh token not provided.")
        }
        guard principal.source == .local else {
            throw APIError(.badRequest, "Sign out of your sign-in provider instead; this token is not ours.")
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

    struct AuthConfig: Content {
        struct OIDC: Content {
            var issuer: String
            var client_id: String
            var scopes: [String]
            var device_authorization: Bool
        }
        var local: Bool
        var registration: Bool
        var oidc: OIDC?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(local, forKey: .local)
            try c.encode(registration, forKey: .registration)
            try c.encode(oidc, forKey: .oidc)
        }
    }

    @Sendable func authConfig(req: Request) async throws -> AuthConfig {
        AuthConfig(local: true, registration: true, oidc: nil)
    }
}
