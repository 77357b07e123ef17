import Fluent
import Vapor

/// OpenID Connect Back-Channel Logout 1.0: the provider tells us a session has ended, and from
/// then on its access tokens are refused.
struct BackchannelLogoutController {
    struct Form: Content {
        var logout_token: String?
    }

    /// `200` once the session is recorded as ended; `400 {"error": "invalid_request"}` for a token
    /// that fails any check (§2.8 of the spec).
    @Sendable func logout(req: Request) async throws -> Response {
        // An APIError, not Abort: the error middleware turns a bare 404 on a known path into 405.
        guard let oidc = req.application.oidc else {
            throw APIError(.notFound, "This server has no OpenID provider configured.")
        }
        guard let token = (try? req.content.decode(Form.self))?.logout_token, !token.isEmpty else {
            return Self.invalid("logout_token is missing")
        }
        let claims: LogoutTokenClaims
        do {
            claims = try await oidc.verifyLogoutToken(token)
        } catch {
            req.logger.warning("back-channel logout refused: \(error.reason)")
            return Self.invalid(error.reason)
        }
        try await RevokedSession(sid: claims.sid, subject: claims.sub, revokedAt: oidc.now).create(on: req.db)
        req.logger.info("back-channel logout: session \(claims.sid ?? "-") of \(claims.sub ?? "-") ended")
        return Response(status: .ok, headers: ["Cache-Control": "no-store"])
    }

    static func invalid(_ description: String) -> Response {
        var headers: HTTPHeaders = ["Cache-Control": "no-store"]
        headers.contentType = .json
        let body = try? JSONEncoder().encode(["error": "invalid_request", "error_description": description])
        return Response(status: .badRequest, headers: headers, body: .init(data: body ?? Data()))
    }
}
