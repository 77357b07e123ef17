import BookModel
import Fluent
import PlainEmail
import Vapor

/// Registration, activation and password reset over the API; password change for signed-in users.
struct AccountController {
    static let usernameMax = 150
    static let emailMax = 254

    @Sendable func register(req: Request) async throws -> Response {
        var r = FieldReader(try req.inputObject())
        let username = r.string("username", maxLength: Self.usernameMax)
        let email = r.string("email", maxLength: Self.emailMax)
        let password = r.string("password")
        if case .value(let name?) = username {
            if !Self.isValidUsername(name) {
                r.errors.add(
                    "username", "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.")
            } else if try await User.find(username: name, on: req.db) != nil {
                r.errors.add("username", Self.usernameTaken)
            }
        }
        if case .value(let address?) = email, !Self.isValidEmail(address) {
            r.errors.add("email", "Enter a valid email address.")
        }
        if case .value(let secret?) = password {
            let name: String = if case .value(let n?) = username { n } else { "" }
            let mail: String = if case .value(let m?) = email { m } else { "" }
            PasswordRules.problems(secret, username: name, email: mail).forEach { r.errors.add("password", $0) }
        }
        try r.errors.throwIfAny()
        guard case .value(let name?) = username, case .value(let given?) = email,
            case .value(let secret?) = password
        else { throw r.errors }
        let address = given.lowercased()

        // Hashed on both paths, so an address in use takes as long as a new one.
        let hash = try await req.passwordHasher.hash(secret)
        let answer = try Self.registered(username: name, email: address)
        // An address that has an account: the same answer as a new one, and its owner hears of it.
        // The name is checked again after the address (a parallel registration may have taken both
        // in one row meanwhile), so a taken name is reported as it would be to a later request.
        if try await User.findLocal(email: address, on: req.db) != nil {
            if try await User.find(username: name, on: req.db) != nil { throw FieldErrors("username", Self.usernameTaken) }
            Self.noticeAlreadyRegistered(address, req)
            return answer
        }
        let user = User(username: name, email: address, passwordHash: hash, isActive: false)
        let roles = req.application.config.defaultRoles
        do {
            try await req.db.transaction { db in
                try await user.create(on: db)
                for role in roles { try await UserRole(userID: user.requireID(), role: role).create(on: db) }
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // A parallel registration won the username or the address (the unique indexes decide).
            if try await User.find(username: name, on: req.db) != nil { throw FieldErrors("username", Self.usernameTaken) }
            Self.noticeAlreadyRegistered(address, req)
            return answer
        }
        try await LocalAccounts.queueActivationMail(for: user, app: req.application, db: req.db)
        return answer
    }

    static let usernameTaken = "A user with that username already exists."

    /// What registration answers, the same whether the address was new or already had an account.
    private static func registered(username: String, email: String) throws -> Response {
        let dto = RegisteredUserDTO(
            username: username, email: email, is_active: false,
            detail: "Account created. Open the link we sent to \(email) to activate it.")
        let response = Response(status: .created)
        try response.content.encode(dto, as: .json)
        return response
    }

    private static func noticeAlreadyRegistered(_ address: String, _ req: Request) {
        let client = req.clientAddress
        LocalAccounts.inBackground(req, "registration notice") { app, db in
            guard let owner = try await User.findLocal(email: address, on: db),
                try await MailLimits.allow("already registered", to: address, from: client, on: db, logger: app.logger)
            else { return }
            try await LocalAccounts.queueAlreadyRegisteredNotice(for: owner, app: app, db: db)
        }
    }

    @Sendable func activate(req: Request) async throws -> DetailDTO {
        let (uid, token) = try Self.uidAndToken(req)
        try await Self.activate(uid: uid, token: token, req)
        return DetailDTO(detail: "Your account is active. You can sign in now.")
    }

    /// Activates the account, or throws a field error on `token`. A wrong uid or token gets the same
    /// answer whether or not the account is active, so a junk link tells nothing about it.
    static func activate(uid: String, token: String, _ req: Request) async throws {
        let invalid = FieldErrors("token", "This activation link is invalid or has expired. Ask for a new one.")
        guard let id = OneTimeTokens.decodeUID(uid), let user = try await User.find(id, on: req.db) else { throw invalid }
        let tokens = req.application.oneTimeTokens
        if user.isActive {
            // The genuine link, opened again: it was made while the account was inactive.
            user.isActive = false
            let genuine = tokens.check(token, .activation, for: user)
            user.isActive = true
            guard genuine else { throw invalid }
            return
        }
        guard tokens.check(token, .activation, for: user) else { throw invalid }
        user.isActive = true
        try await user.save(on: req.db)
    }

    @Sendable func resend(req: Request) async throws -> Response {
        let email = try Self.requiredEmail(req)
        let client = req.clientAddress
        LocalAccounts.inBackground(req, "activation resend") { app, db in
            guard let user = try await User.findLocal(email: email, on: db), !user.isActive,
                try await MailLimits.allow("activation", to: user.email, from: client, on: db, logger: app.logger)
            else { return }
            try await LocalAccounts.queueActivationMail(for: user, app: app, db: db)
        }
        return try Self.accepted("If an inactive account uses this address, a new activation link is on its way.")
    }

    @Sendable func requestReset(req: Request) async throws -> Response {
        let email = try Self.requiredEmail(req)
        let client = req.clientAddress
        LocalAccounts.inBackground(req, "password reset") { app, db in
            guard let user = try await User.findLocal(email: email, on: db), user.isActive, !user.passwordHash.isEmpty,
                try await MailLimits.allow("password reset", to: user.email, from: client, on: db, logger: app.logger)
            else { return }
            try await LocalAccounts.queueResetMail(for: user, app: app, db: db)
        }
        return try Self.accepted("If an account uses this address, a password reset link is on its way.")
    }

    /// `POST /api/profile/email/confirm/`: the link mailed to a new address makes it the account's.
    @Sendable func confirmEmail(req: Request) async throws -> DetailDTO {
        let (uid, token) = try Self.uidAndToken(req)
        let address = try await Self.confirmEmail(uid: uid, token: token, req)
        return DetailDTO(detail: "Your e-mail address is now \(address).")
    }

    /// Moves the pending address into place, or throws a field error on `token` (or `email` when
    /// another account took the address meanwhile). Returns the new address.
    static func confirmEmail(uid: String, token: String, _ req: Request) async throws -> String {
        let invalid = FieldErrors("token", "This confirmation link is invalid or has expired. Change the address again.")
        guard let id = OneTimeTokens.decodeUID(uid), let user = try await User.find(id, on: req.db),
            let pending = user.pendingEmail, req.application.oneTimeTokens.check(token, .emailChange, for: user)
        else { throw invalid }
        user.email = pending
        user.pendingEmail = nil
        do {
            try await user.save(on: req.db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw FieldErrors("email", "A user with that email already exists.")
        }
        return pending
    }

    @Sendable func confirmReset(req: Request) async throws -> HTTPStatus {
        let object = try req.inputObject()
        var r = FieldReader(object)
        let uid = r.string("uid")
        let token = r.string("token")
        let password = r.string("new_password")
        try r.errors.throwIfAny()
        guard case .value(let u?) = uid, case .value(let t?) = token, case .value(let p?) = password else { throw r.errors }
        try await Self.resetPassword(uid: u, token: t, newPassword: p, req)
        return .noContent
    }

    /// Checks the reset token and sets the password, or throws field errors.
    static func resetPassword(uid: String, token: String, newPassword: String, _ req: Request) async throws {
        guard let id = OneTimeTokens.decodeUID(uid), let user = try await User.find(id, on: req.db),
            req.application.oneTimeTokens.check(token, .reset, for: user)
        else { throw FieldErrors("token", "This password reset link is invalid or has expired. Ask for a new one.") }
        try await LocalAccounts.setPassword(newPassword, for: user, field: "new_password", req)
    }

    @Sendable func changePassword(req: Request) async throws -> HTTPStatus {
        let principal = try req.principal
        guard principal.source == .local, !principal.user.passwordHash.isEmpty else {
            throw APIError(.badRequest, "Your password is managed by your sign-in provider; change it there.")
        }
        var r = FieldReader(try req.inputObject())
        let old = r.string("old_password")
        let new = r.string("new_password")
        try r.errors.throwIfAny()
        guard case .value(let o?) = old, case .value(let n?) = new else { throw r.errors }
        try PasswordRules.refuseOverlong(o, field: "old_password")
        guard try await LoginLimiter.verify(o, of: principal.user, req) else {
            throw FieldErrors("old_password", "Your old password was entered incorrectly. Please enter it again.")
        }
        try await LocalAccounts.setPassword(n, for: principal.user, field: "new_password", req)
        return .noContent
    }

    // MARK: helpers

    static func isValidUsername(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "@.+-_".unicodeScalars.contains($0) }
    }

    /// A plain `local@domain` address (`PlainEmail`, the rule the client and the SMTP layer use too).
    static func isValidEmail(_ address: String) -> Bool { PlainEmail.isValid(address) }

    private static func requiredEmail(_ req: Request) throws -> String {
        var r = FieldReader(try req.inputObject())
        let email = r.string("email", maxLength: emailMax)
        if case .value(let e?) = email, !isValidEmail(e) { r.errors.add("email", "Enter a valid email address.") }
        try r.errors.throwIfAny()
        guard case .value(let e?) = email else { throw r.errors }
        return e
    }

    private static func uidAndToken(_ req: Request) throws -> (String, String) {
        var r = FieldReader(try req.inputObject())
        let uid = r.string("uid")
        let token = r.string("token")
        try r.errors.throwIfAny()
        guard case .value(let u?) = uid, case .value(let t?) = token else { throw r.errors }
        return (u, t)
    }

    private static func accepted(_ detail: String) throws -> Response {
        let response = Response(status: .accepted)
        try response.content.encode(DetailDTO(detail: detail), as: .json)
        return response
    }
}
