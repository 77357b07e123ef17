import Fluent
import Foundation
import Vapor

extension OIDCService {
    /// The claims of an access token that is valid and whose session has not been logged out here:
    /// by back-channel logout (`revoked_sessions`) or by `/api/logout/` (its `jti` blacklisted).
    /// - Throws: `OIDCRejection` for a token to refuse (also logged); database errors as they come.
    func usableAccessToken(_ token: String, _ request: Request) async throws -> AccessTokenClaims {
        let claims: AccessTokenClaims
        do {
            claims = try await verifyAccessToken(token)
        } catch {
            // Operators read this when a whole realm's tokens are refused (see docs/sso.md).
            request.logger.info("OIDC access token refused: \(error.reason)")
            throw error
        }
        guard let subject = claims.sub else { throw OIDCRejection("Token has no subject") }
        let issuedAt = claims.iat.map(Date.init(timeIntervalSince1970:))
        if try await RevokedSession.covers(sid: claims.sid, subject: subject, issuedAt: issuedAt, on: request.db) {
            throw OIDCRejection("Token's session has been logged out")
        }
        if let id = Self.tokenID(claims), try await BlacklistedToken.contains(id, on: request.db) {
            throw OIDCRejection("Token is blacklisted")
        }
        return await withProfile(claims, token: token)
    }

    /// The key a provider token is blacklisted under: its `jti`, prefixed so that it cannot
    /// collide with ours; nil when it has none.
    static func tokenID(_ claims: AccessTokenClaims) -> String? {
        claims.jti.map { "oidc:" + $0 }
    }
}
