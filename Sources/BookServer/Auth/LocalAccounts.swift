import BookModel
import Fluent
import Vapor

/// What the account routes share: issuing and blacklisting tokens, and the mails they send.
enum LocalAccounts {
    /// A new refresh and access token for the user, both of `family` (a new one at login).
    static func issuePair(for user: User, family: String? = nil, _ req: Request) async throws -> TokenPairDTO {
        let tokens = req.application.localTokens
        let userID = try user.requireID()
        var refresh = tokens.make(.refresh, userID: userID, key: user.tokenKey)
        refresh.fam = family ?? refresh.jti
        let access = tokens.make(.access, userID: userID, family: refresh.fam, key: user.tokenKey)
        try await IssuedToken(jti: refresh.jti, userID: userID, expiresAt: refresh.expiresAt, family: refresh.fam!)
            .create(on: req.db)
        return .init(refresh: try await tokens.sign(refresh), access: try await tokens.sign(access))
    }

    /// The claims of a refresh token that is well signed, unexpired, not blacklisted and of a
    /// sign-in that has not been ended.
    static func usableRefreshToken(_ token: String, _ req: Request) async throws -> LocalTokenClaims {
        guard let claims = await req.application.localTokens.verify(token, as: .refresh) else {
            throw APIError.invalidToken()
        }
        if try await BlacklistedToken.contains(claims.jti, on: req.db) {
            throw APIError.invalidToken("Token is blacklisted")
        }
        if try await isRevoked(family: family(of: claims), on: req.db) { throw signedOut }
        return claims
    }

    static let signedOut = APIError.invalidToken(
        "Signed out: an old refresh token of this sign-in was used again, so every token of it was revoked. Sign in again.")

    /// The family a token belongs to; a refresh token from before families is its own.
    static func family(of claims: LocalTokenClaims) -> String? {
        claims.fam ?? (claims.token_type == LocalTokens.Kind.refresh.rawValue ? claims.jti : nil)
    }

    static func isRevoked(family: String?, on db: any Database) async throws -> Bool {
        guard let family else { return false }
        return try await RevokedTokenFamily.query(on: db).filter(\.$family == family).count() > 0
    }

    /// The per-request check of a local token against its account: the account's token key (so a
    /// token never opens another account that got the same id) and the family's revocation.
    static func refuseIfSignedOut(_ claims: LocalTokenClaims, user: User, on db: any Database) async throws {
        guard (claims.key ?? "") == user.tokenKey else {
            throw APIError(.unauthorized, "User not found", code: "user_not_found")
        }
        if try await isRevoked(family: family(of: claims), on: db) { throw signedOut }
    }

    /// Whether a newer refresh token of the family was issued after this one, i.e. it was rotated out.
    static func wasRotated(jti: String, family: String, on db: any Database) async throws -> Bool {
        guard let issued = try await IssuedToken.query(on: db).filter(\.$jti == jti).first(), let id = issued.id else {
            return false
        }
        return try await IssuedToken.query(on: db).filter(\.$family == family).filter(\.$id > id).count() > 0
    }

    /// Ends a sign-in: every refresh and access token descended from its login stops working.
    static func revoke(family: String, lifetime: Int, on db: any Database) async throws {
        guard try await !isRevoked(family: family, on: db) else { return }
        do {
            try await RevokedTokenFamily(family: family, expiresAt: Date().addingTimeInterval(TimeInterval(lifetime)))
                .create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return  // another request revoked it at the same moment
        }
        let issued = try await IssuedToken.query(on: db).filter(\.$family == family).filter(\.$expiresAt > Date()).all()
        for token in issued { try await blacklist(jti: token.jti, expiresAt: token.expiresAt, on: db) }
        try await RevokedTokenFamily.query(on: db).filter(\.$expiresAt < Date()).delete()
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

    static func queueActivationMail(for user: User, app: Application, db: any Database) async throws {
        try await queueLinkMail(
            .activation, path: "activate", for: user, subject: "Activate your Books account",
            intro: "Welcome to Books. Open this link to activate your account:",
            outro: "If you did not sign up, ignore this message.", app: app, db: db)
    }

    static func queueResetMail(for user: User, app: Application, db: any Database) async throws {
        try await queueLinkMail(
            .reset, path: "reset", for: user, subject: "Reset your Books password",
            intro:
                "Someone (hopefully you) asked to reset the password of your Books account.\nOpen this link to choose a new password:",
            outro: "If you did not ask for this, ignore this message; your password stays as it is.", app: app, db: db)
    }

    /// To the new address: the link that makes it the account's address.
    static func queueEmailConfirmationMail(for user: User, app: Application, db: any Database) async throws {
        try await queueLinkMail(
            .emailChange, path: "confirm-email", for: user, to: user.pendingEmail,
            subject: "Confirm your new Books e-mail address",
            intro:
                "Someone (hopefully you) asked to use this address for the Books account \(user.username).\nOpen this link to confirm it:",
            outro: "If you did not ask for this, ignore this message; the account keeps its address.", app: app, db: db)
    }

    /// To the old address: the change is under way, and what to do if it is not the owner's.
    static func queueEmailChangeNotice(for user: User, app: Application, db: any Database) async throws {
        try await app.mailer.queue(
            to: user.email, subject: "Your Books e-mail address is being changed",
            body: """
                Hello \(user.username),

                Someone signed in to your Books account asked to change its e-mail address to \(user.pendingEmail ?? "")
                (with your password). The change takes effect once it is confirmed from that address.

                If this was not you, change your password now, and sign out everywhere.
                """, on: db)
    }

    /// To the owner of an address someone tried to register again; registration answers as if it
    /// had worked, so only the owner learns that the address has an account.
    static func queueAlreadyRegisteredNotice(for user: User, app: Application, db: any Database) async throws {
        try await app.mailer.queue(
            to: user.email, subject: "Your Books account already exists",
            body: """
                Hello \(user.username),

                Someone (hopefully you) tried to create a new Books account with this address, which
                already has one: yours, with the username \(user.username).

                If that was you, sign in, or ask for a password reset if you have forgotten the password.
                If not, ignore this message; nothing has changed.
                """, on: db)
    }

    /// Mail work after the answer is sent: known and unknown addresses take the same time, and
    /// a failure is logged instead of telling the caller anything.
    static func inBackground(
        _ req: Request, _ what: String,
        _ work: @escaping @Sendable (Application, any Database) async throws -> Void
    ) {
        let app = req.application
        Task {
            do { try await work(app, app.db) } catch { app.logger.error("\(what): \(String(describing: error))") }
        }
    }

    /// A mail with a one-time link `PUBLIC_URL/<path>/<uid>/<token>/`, queued in the outbox.
    private static func queueLinkMail(
        _ purpose: OneTimeTokens.Purpose, path: String, for user: User, to recipient: String? = nil,
        subject: String, intro: String, outro: String, app: Application, db: any Database
    ) async throws {
        let uid = OneTimeTokens.encodeUID(try user.requireID())
        let token = app.oneTimeTokens.make(purpose, for: user)
        let link = "\(app.config.publicURL)/\(path)/\(uid)/\(token)/"
        try await app.mailer.queue(
            to: recipient ?? user.email, subject: subject,
            body: """
                Hello \(user.username),

                \(intro)

                \(link)

                In booktui you can paste the link instead (useful over SSH).

                \(outro)
                """, on: db)
    }
}
