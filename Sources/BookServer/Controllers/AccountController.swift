import Fluent
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
                r.errors.add("username", "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.")
            } else if try await User.find(username: name, on: req.db) != nil {
                r.errors.add("username", "A user with that username already exists.")
            }
        }
        if case .value(let address?) = email {
            if !Self.isValidEmail(address) {
                r.errors.add("email", "Enter a valid email address.")
            } else if try await User.find(email: address, on: req.db) != nil {
                r.errors.add("email", "A user with that email already exists.")
            }
        }
        if case .value(let secret?) = password {
            let name: String = if case .value(let n?) = username { n } else { "" }
            let mail: String = if case .value(let m?) = email { m } else { "" }
            PasswordRules.problems(secret, username: name, email: mail).forEach { r.errors.add("password", $0) }
        }
        try r.errors.throwIfAny()
        guard case .value(let name?) = username, case .value(let address?) = email,
              case .value(let secret?) = password else { throw r.errors }

        let user = User(username: name, email: address.lowercased(),
                        passwordHash: try await req.passwordHasher.hash(secret), isActive: false)
        let roles = req.application.config.defaultRoles
        do {
            try await req.db.transaction { db in
                try await user.create(on: db)
                for role in roles { try await UserRole(userID: user.requireID(), role: role).create(on: db) }
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw FieldErrors("username", "A user with that username already exists.")
        }
        try await LocalAccounts.queueActivationMail(for: user, req)
        let dto = RegisteredUserDTO(
            id: try user.requireID(), username: user.username, email: user.email, is_active: false,
            detail: "Account created. Open the link we sent to \(user.email) to activate it.")
        let response = Response(status: .created)
        try response.content.encode(dto, as: .json)
        return response
    }

    struct Detail: Content { var detail: String }

    @Sendable func activate(req: Request) async throws -> Detail {
        let (uid, token) = try Self.uidAndToken(req)
        try await Self.activate(uid: uid, token: token, req)
        return Detail(detail: "Your account is active. You can sign in now.")
    }

    /// Activates the account, or throws a field error on `token`.
    static func activate(uid: String, token: String, _ req: Request) async throws {
        guard let id = OneTimeTokens.decodeUID(uid), let user = try await User.find(id, on: req.db) else {
            throw FieldErrors("uid", "This activation link is invalid.")
        }
        if user.isActive { return }
        guard req.application.oneTimeTokens.check(token, .activation, for: user) else {
            throw FieldErrors("token", "This activation link is invalid or has expired. Ask for a new one.")
        }
        user.isActive = true
        try await user.save(on: req.db)
    }

    @Sendable func resend(req: Request) async throws -> Response {
        let email = try Self.requiredEmail(req)
        if let user = try await User.find(email: email, on: req.db), !user.isActive, user.authSource == "local" {
            try await LocalAccounts.queueActivationMail(for: user, req)
        }
        return try Self.accepted("If an inactive account uses this address, a new activation link is on its way.")
    }

    @Sendable func requestReset(req: Request) async throws -> Response {
        let email = try Self.requiredEmail(req)
        if let user = try await User.find(email: email, on: req.db), user.isActive, !user.passwordHash.isEmpty {
            try await LocalAccounts.queueResetMail(for: user, req)
        }
        return try Self.accepted("If an account uses this address, a password reset link is on its way.")
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
        guard try await req.passwordHasher.verify(o, created: principal.user.passwordHash) else {
            throw FieldErrors("old_password", "Your old password was entered incorrectly. Please enter it again.")
        }
        try await LocalAccounts.setPassword(n, for: principal.user, field: "new_password", req)
        return .noContent
    }

    // MARK: helpers

    static func isValidUsername(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "@.+-_".unicodeScalars.contains($0) }
    }

    static func isValidEmail(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
              !parts[1].hasSuffix("."), !address.contains(where: \.isWhitespace) else { return false }
        return true
    }

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
        try response.content.encode(Detail(detail: detail), as: .json)
        return response
    }
}
