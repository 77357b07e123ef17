import Fluent
import Vapor

/// Requires `Authorization: Bearer <token>` and turns it into a `Principal`, answering as simplejwt
/// does when it cannot. Our own tokens are HS256; anything else is tried as the OIDC provider's.
struct BearerAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let token = request.headers.bearerAuthorization?.token else { throw APIError.notAuthenticated }
        let principal: Principal
        if LocalTokens.isLocal(token) {
            principal = try await localPrincipal(token, request)
        } else if let oidc = request.application.oidc {
            principal = try await oidcPrincipal(token, oidc, request)
        } else {
            throw APIError.invalidAccessToken()
        }
        request.auth.login(principal)
        return try await next.respond(to: request)
    }

    private func localPrincipal(_ token: String, _ request: Request) async throws -> Principal {
        guard let claims = await request.application.localTokens.verify(token, as: .access) else {
            throw APIError.invalidAccessToken()
        }
        if try await BlacklistedToken.contains(claims.jti, on: request.db) {
            throw APIError.invalidAccessToken("Token is blacklisted")
        }
        guard let user = try await User.find(claims.user_id, on: request.db) else {
            throw APIError(.unauthorized, "User not found", code: "user_not_found")
        }
        guard user.isActive else { throw APIError(.unauthorized, "User is inactive", code: "user_inactive") }
        try await LocalAccounts.refuseIfSignedOut(claims, user: user, on: request.db)
        let roles = Set(try await user.roleNames(on: request.db))
        return Principal(user: user, roles: roles, source: .local, tokenID: claims.jti, tokenExpiresAt: claims.expiresAt)
    }

    private func oidcPrincipal(_ token: String, _ oidc: OIDCService, _ request: Request) async throws -> Principal {
        let claims: AccessTokenClaims
        do {
            claims = try await oidc.usableAccessToken(token, request)
        } catch let rejection as OIDCRejection {
            throw APIError.invalidAccessToken(rejection.reason)
        }
        let user = try await OIDCAccounts.user(for: claims, now: oidc.now, on: request.db)
        guard user.isActive else { throw APIError(.unauthorized, "User is inactive", code: "user_inactive") }
        return Principal(
            user: user, roles: claims.roles(roleClient: oidc.config.roleClient), source: .oidc,
            tokenID: OIDCService.tokenID(claims) ?? "",
            tokenExpiresAt: Date(timeIntervalSince1970: claims.exp ?? oidc.now.timeIntervalSince1970))
    }
}
