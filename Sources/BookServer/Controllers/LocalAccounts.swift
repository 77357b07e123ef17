import Fluent
import Vapor

/// What the account routes share: issuing and blacklisting tokens, and the mails they send.
enum LocalAccounts {
    static func issuePair(for user: User, _ req: Request) async throws -> TokenController.TokenPair {
        let tokens = req.application.localTokens
        let userID = try user.requireID()
        let refresh = tokens.make(.refresh, userID: userID)
        let access = tokens.make(.access, userID: userID)
        try await IssuedToken(jti: refresh.jti, userID: userID, expiresAt: refresh.expiresAt).create(on: req.db)
        return .init(refresh: try await tokens.sign(refresh), access: try await tokens.sign(access))
    }

    /// The claims of a refresh token that is well signed, unexpired and not blacklisted.
    static func usableRefreshToken(_ token: String, _ req: Request) async throws -> LocalTokenClaims {
        guard let claims = await req.application.localTokens.verify(token, as: .refresh) else {
            throw APIError.invalidToken()
        }
        if try await BlacklistedToken.contains(claims.jti, on: req.db) {
            throw APIError.invalidToken("Token is blacklisted")
        }
        return claims
    }

    /// Blacklists a token id. Returns false when it was already blacklisted, by this process or
    /// another replica, even at the same moment: the unique index on `jti` decides, so exactly one
    /// of two racing callers gets true.
    @discardableResult
    static func blacklist(jti: String, expiresAt: Date, on db: any Database) async throws -> Bool {
        guard try await !BlacklistedToken.contains(jti, on: db) else { return false }
        do {
            try await BlacklistedToken(jti: jti, expiresAt: expiresAt).create(on: db)
            return true
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return false
        }
    }

    /// Every refresh token the user holds stops working, e.g. after a password change.
    static func blacklistAllRefreshTokens(of userID: Int, on db: any Database) async throws {
        let issued = try await IssuedToken.query(on: db)
            .filter(\.$user.$id == userID).filter(\.$expiresAt > Date()).all()
        for token in issued { try await blacklist(jti: token.jti, expiresAt: token.expiresAt, on: db) }
    }

    /// Sets a new password after checking it, or throws field errors under `field`.
    static func setPassword(_ password: String, for user: User, field: String, _ req: Request) async throws {
        let problems = PasswordRules.problems(
            password, username: user.username, email: user.email, firstName: user.firstName, lastName: user.lastName)
        guard problems.isEmpty else {
            var errors = FieldErrors()
            problems.forEach { errors.add(field, $0) }
            throw errors
        }
        user.passwordHash = try await req.passwordHasher.hash(password)
        try await user.save(on: req.db)
        try await blacklistAllRefreshTokens(of: user.requireID(), on: req.db)
    }

    static func queueActivationMail(for user: User, _ req: Request) async throws {
        try await queueLinkMail(
            .activation, path: "activate", for: user, subject: "Activate your Books account",
            intro: "Welcome to Books. Open this link to activate your account:",
            outro: "If you did not sign up, ignore this message.", req)
    }

    static func queueResetMail(for user: User, _ req: Request) async throws {
        try await queueLinkMail(
            .reset, path: "reset", for: user, subject: "Reset your Books password",
            intro: "Someone (hopefully you) asked to reset the password of your Books account.\nOpen this link to choose a new password:",
            outro: "If you did not ask for this, ignore this message; your password stays as it is.", req)
    }

    /// A mail with a one-time link `PUBLIC_URL/<path>/<uid>/<token>/`, queued in the outbox.
    private static func queueLinkMail(
        _ purpose: OneTimeTokens.Purpose, path: String, for user: User, subject: String,
        intro: String, outro: String, _ req: Request
    ) async throws {
        let uid = OneTimeTokens.encodeUID(try user.requireID())
        let token = req.application.oneTimeTokens.make(purpose, for: user)
        let link = "\(req.application.config.publicURL)/\(path)/\(uid)/\(token)/"
        try await req.application.mailer.queue(
            to: user.email, subject: subject,
            body: """
            Hello \(user.username),

            \(intro)

            \(link)

            In booktui you can paste the link instead (useful over SSH).

            \(outro)
            """, on: req.db)
    }
}
