import Fluent
import SQLKit
import Vapor

/// Requires `Authorization: Bearer <token>` and turns it into a `Principal`, answering as simplejwt
/// does when it cannot. Our own tokens are HS256; anything else is tried as the OIDC provider's.
///
/// A plain (future-based) middleware, not an `AsyncMiddleware`: a token the `PrincipalCache` knows
/// is passed on synchronously, on the event loop, without starting a task and hopping threads;
/// only a token that needs checking goes async.
struct BearerAuthenticator: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let token = request.headers.bearerAuthorization?.token else {
            return request.eventLoop.makeFailedFuture(APIError.notAuthenticated)
        }
        if let known = request.application.principalCache.principal(for: token) {
            request.auth.login(known)  // one of our tokens, checked within the cache's lifetime
            return next.respond(to: request)
        }
        let promise = request.eventLoop.makePromise(of: Principal.self)
        promise.completeWithTask { try await principal(token, request) }
        return promise.futureResult.flatMap { principal in
            request.auth.login(principal)
            return next.respond(to: request)
        }
    }

    private func principal(_ token: String, _ request: Request) async throws -> Principal {
        if LocalTokens.isLocal(token) {
            return try await localPrincipal(token, request)
        } else if let oidc = request.application.oidc {
            return try await oidcPrincipal(token, oidc, request)
        }
        throw APIError.invalidAccessToken()
    }

    private func localPrincipal(_ token: String, _ request: Request) async throws -> Principal {
        let cache = request.application.principalCache
        let generation = cache.generation
        let principal = try await readLocalPrincipal(token, request)
        cache.store(principal, for: token, readAt: generation)
        return principal
    }

    private func readLocalPrincipal(_ token: String, _ request: Request) async throws -> Principal {
        guard let claims = await request.application.localTokens.verify(token, as: .access) else {
            throw APIError.invalidAccessToken()
        }
        let found = try await LocalAuthQuery.run(claims, on: request.db)
        if let revoked = found.revokedBy { throw revoked }
        guard let user = found.user else {
            throw APIError(.unauthorized, "User not found", code: "user_not_found")
        }
        guard user.isActive else { throw APIError(.unauthorized, "User is inactive", code: "user_inactive") }
        // The account's token key: a token never opens another account that got the same id.
        guard (claims.key ?? "") == user.tokenKey else {
            throw APIError(.unauthorized, "User not found", code: "user_not_found")
        }
        return Principal(account: user, roles: found.roles, source: .local, tokenID: claims.jti, tokenExpiresAt: claims.expiresAt)
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
            user: user, roles: claims.roles(paths: oidc.config.rolesClaims), source: .oidc,
            tokenID: OIDCService.tokenID(claims) ?? "",
            tokenExpiresAt: Date(timeIntervalSince1970: claims.exp ?? oidc.now.timeIntervalSince1970))
    }
}

/// Everything a request with one of our access tokens needs from the database, in one round trip:
/// whether any revocation covers the token, the user's row and its roles. Plain SQL into plain
/// values (no Fluent models), on SQLite and PostgreSQL alike.
///
/// The query always answers at least one row (it selects from a one-row table and joins the rest),
/// one per role: `revoked_<n>` flags of `revocations`, the user's columns (NULL when there is no such
/// user) and `role`.
enum LocalAuthQuery {
    /// A check that makes a token unusable, and what the client gets for it.
    struct Revocation {
        var error: APIError
        var condition: SQLQueryString
    }

    /// Every per-request revocation of a local access token, checked in this order.
    /// One more way to revoke is one more entry here.
    static func revocations(_ claims: LocalTokenClaims) -> [Revocation] {
        var checks = [
            Revocation(
                error: .invalidAccessToken("Token is blacklisted"),
                condition: "EXISTS (SELECT 1 FROM blacklisted_tokens WHERE jti = \(bind: claims.jti))")
        ]
        // The sign-in (token family) ended; tokens from before families have none.
        if let family = LocalAccounts.family(of: claims) {
            checks.append(
                Revocation(
                    error: LocalAccounts.signedOut,
                    condition: "EXISTS (SELECT 1 FROM revoked_token_families WHERE family = \(bind: family))"))
        }
        return checks
    }

    struct Result {
        /// What the first revocation that covers the token answers, if any.
        var revokedBy: APIError?
        var user: UserRecord?
        var roles: Set<String>
    }

    static func run(_ claims: LocalTokenClaims, on db: any Database) async throws -> Result {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError, reason: "not an SQL database") }
        let checks = revocations(claims)
        var query: SQLQueryString = "SELECT "
        for (n, check) in checks.enumerated() {
            query += "CASE WHEN \(check.condition) THEN 1 ELSE 0 END AS \(unsafeRaw: "revoked_\(n)"), "
        }
        query += "\(unsafeRaw: UserRecord.columns(of: "u", prefix: "u_")), r.role AS role "
        query += "FROM (SELECT 1 AS one) AS one LEFT JOIN users AS u ON u.id = \(bind: claims.user_id) "
        query += "LEFT JOIN user_roles AS r ON r.user_id = u.id ORDER BY r.role"
        let rows = try await sql.raw(query).all()
        guard let first = rows.first else { return Result(revokedBy: nil, user: nil, roles: []) }
        for (n, check) in checks.enumerated() {
            if try first.decode(column: "revoked_\(n)", as: Int.self) != 0 {
                return Result(revokedBy: check.error, user: nil, roles: [])
            }
        }
        guard try !first.decodeNil(column: "u_id") else { return Result(revokedBy: nil, user: nil, roles: []) }
        let roles = try rows.compactMap { try $0.decode(column: "role", as: String?.self) }
        return Result(revokedBy: nil, user: try UserRecord(row: first, prefix: "u_"), roles: Set(roles))
    }
}
