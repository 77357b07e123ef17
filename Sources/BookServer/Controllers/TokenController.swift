import BookModel
import Fluent
import Vapor

/// simplejwt's endpoints: obtain, refresh (with rotation), verify; and the seed's logout.
struct TokenController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("token", use: obtain)
        routes.post("token", "refresh", use: refresh)
        routes.post("token", "verify", use: verify)
    }

    @Sendable func obtain(req: Request) async throws -> TokenPairDTO {
        var r = FieldReader(try req.inputObject())
        let username = r.string("username")
        let password = r.string("password", allowBlank: false)
        try r.errors.throwIfAny()
        guard case .value(let name?) = username, case .value(let secret?) = password else { throw r.errors }

        try PasswordRules.refuseOverlong(secret, field: "password")
        try req.passwordHasher.refuseIfFull()
        let limiter = LoginLimiter(config: req.application.config, db: req.db)
        let address = req.clientAddress
        // The attempt is counted before the hash, so parallel guesses cannot outrun the limit.
        if let wait = try await limiter.reserve(username: name, address: address) {
            throw APIError.throttled(retryAfter: wait)
        }
        let user = try await User.find(username: name, on: req.db)
        // Hash even when there is no such user, so timing does not tell which usernames exist.
        let hash = user?.passwordHash.isEmpty == false ? user!.passwordHash : req.application.dummyPasswordHash
        let matches = try await limiter.check(username: name, address: address) {
            try await req.passwordHasher.verify(secret, created: hash)
        }
        guard let user, matches, user.isActive else {
            throw APIError(.unauthorized, "No active account found with the given credentials")
        }
        try await limiter.reset(username: name, address: address)
        if DjangoPassword.isDjangoHash(user.passwordHash) {
            // Kept from the seed's database: our own hash from the first login on.
            user.passwordHash = try await req.passwordHasher.hash(secret)
        }
        user.lastLogin = Date()
        try await user.save(on: req.db)
        return try await LocalAccounts.issuePair(for: user, req)
    }

    @Sendable func refresh(req: Request) async throws -> TokenPairDTO {
        var r = FieldReader(try req.inputObject())
        let refresh = r.string("refresh")
        try r.errors.throwIfAny()
        guard case .value(let token?) = refresh else { throw r.errors }
        guard let claims = await req.application.localTokens.verify(token, as: .refresh) else {
            throw APIError.invalidToken()
        }
        let family = LocalAccounts.family(of: claims) ?? claims.jti
        let lifetime = req.application.localTokens.familyLifetime
        if try await LocalAccounts.isRevoked(family: family, on: req.db) { throw LocalAccounts.signedOut }
        if try await BlacklistedToken.contains(claims.jti, on: req.db) {
            // A rotated-out refresh token used again means it was stolen, by whoever used it first
            // or now (RFC 9700 §4.14): the whole sign-in ends, every token descended from its login.
            // (The last token of a family, blacklisted by logout or a password change, is just refused.)
            if try await LocalAccounts.wasRotated(jti: claims.jti, family: family, on: req.db) {
                try await LocalAccounts.revoke(family: family, lifetime: lifetime, on: req.db)
                throw LocalAccounts.signedOut
            }
            throw APIError.invalidToken("Token is blacklisted")
        }
        guard let user = try await User.find(claims.user_id, on: req.db), user.isActive,
            (claims.key ?? "") == user.tokenKey
        else {
            throw APIError(.unauthorized, "No active account found for the given token.", code: "no_active_account")
        }
        // Rotation: the old refresh token can never be used again.
        // Only the request that blacklists the old token gets new ones: of two racing refreshes
        // with the same token, the loser is refused as a reuse.
        guard try await LocalAccounts.blacklist(jti: claims.jti, expiresAt: claims.expiresAt, on: req.db) else {
            try await LocalAccounts.revoke(family: family, lifetime: lifetime, on: req.db)
            throw LocalAccounts.signedOut
        }
        return try await LocalAccounts.issuePair(for: user, family: family, req)
    }

    @Sendable func verify(req: Request) async throws -> [String: String] {
        var r = FieldReader(try req.inputObject())
        let token = r.string("token")
        try r.errors.throwIfAny()
        guard case .value(let value?) = token else { throw r.errors }
        // A provider access token is "valid" here when the API would accept it.
        if !LocalTokens.isLocal(value), let oidc = req.application.oidc {
            do {
                _ = try await oidc.usableAccessToken(value, req)
                return [:]
            } catch let rejection as OIDCRejection {
                throw APIError.invalidToken(rejection.reason)
            }
        }
        let tokens = req.application.localTokens
        var claims = await tokens.verify(value, as: .refresh)
        if claims == nil { claims = await tokens.verify(value, as: .access) }
        guard let claims else {
            throw APIError.invalidToken()
        }
        if try await BlacklistedToken.contains(claims.jti, on: req.db) {
            throw APIError.invalidToken("Token is blacklisted")
        }
        guard let user = try await User.find(claims.user_id, on: req.db) else { throw APIError.invalidToken() }
        try await LocalAccounts.refuseIfSignedOut(claims, user: user, on: req.db)
        return [:]
    }
}
