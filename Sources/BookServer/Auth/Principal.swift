import Vapor

/// Who is calling: a user of ours, with the roles that count for this request and how they signed in.
public struct Principal: Authenticatable, Sendable {
    public enum Source: String, Sendable { case local, oidc }

    public var user: User
    public var roles: Set<String>
    public var source: Source
    /// The access token's id and expiry, so logout can blacklist it. Provider tokens' ids are
    /// prefixed `oidc:` so they cannot collide with ours; empty when the token has no `jti`.
    public var tokenID: String
    public var tokenExpiresAt: Date

    public var userID: Int { user.id! }
}

extension Request {
    /// The signed-in caller; only on routes behind `BearerAuthenticator`.
    public var principal: Principal {
        get throws {
            guard let principal = auth.get(Principal.self) else { throw APIError.notAuthenticated }
            return principal
        }
    }
}
