import BookModel
import Fluent
import Vapor

/// `/api/profile/`: the caller's own account.
struct ProfileController {
    static let nameMax = 150

    @Sendable func show(req: Request) async throws -> Response {
        let principal = try req.principal
        try req.application.policy.authorize(.readProfile, principal)
        return try await Self.dto(principal, principal.account, req.db).jsonResponse()
    }

    @Sendable func replace(req: Request) async throws -> ProfileDTO { try await save(req, partial: false) }
    @Sendable func update(req: Request) async throws -> ProfileDTO { try await save(req, partial: true) }

    private func save(_ req: Request, partial: Bool) async throws -> ProfileDTO {
        let principal = try req.principal
        try req.application.policy.authorize(.changeProfile, principal)
        let user = principal.user
        var r = FieldReader(try req.inputObject(), partial: partial)
        // The seed's serializer has no required fields on the profile: PUT may send any of them.
        let email = r.string("email", required: false, maxLength: AccountController.emailMax)
        let first = r.string("first_name", required: false, maxLength: Self.nameMax, allowBlank: true, characters: .printable)
        let last = r.string("last_name", required: false, maxLength: Self.nameMax, allowBlank: true, characters: .printable)
        let currentPassword = r.string("current_password", required: false)
        // Sending the current address back (a PUT of the whole profile) is no change.
        var newEmail: String?
        if case .value(let address?) = email, address.lowercased() != user.email { newEmail = address.lowercased() }
        if let address = newEmail {
            if principal.source == .oidc {
                // A provider user's profile is copied from each token, so a change here would not last.
                r.errors.add("email", "Your e-mail address comes from your sign-in provider; change it there.")
            } else if !AccountController.isValidEmail(address) {
                r.errors.add("email", "Enter a valid email address.")
            } else if let other = try await User.findLocal(email: address, on: req.db), other.id != user.id {
                r.errors.add("email", "A user with that email already exists.")
            } else if case .absent = currentPassword {
                r.errors.add("current_password", "Enter your current password to change your e-mail address.")
            }
        }
        if principal.source == .oidc {
            if case .value(let v) = first, (v ?? "") != user.firstName {
                r.errors.add("first_name", "Your name comes from your sign-in provider; change it there.")
            }
            if case .value(let v) = last, (v ?? "") != user.lastName {
                r.errors.add("last_name", "Your name comes from your sign-in provider; change it there.")
            }
        }
        try r.errors.throwIfAny()
        if let address = newEmail {
            // A stolen access token alone must not move the account to another mailbox: the owner's
            // password, then confirmation from the new address; the old one is told at once.
            guard case .value(let secret?) = currentPassword else { throw r.errors }
            try PasswordRules.refuseOverlong(secret, field: "current_password")
            guard !user.passwordHash.isEmpty, try await LoginLimiter.verify(secret, of: user, req) else {
                throw FieldErrors("current_password", "Your password was entered incorrectly. Please enter it again.")
            }
            user.pendingEmail = address
        }
        if case .value(let v?) = first { user.firstName = v }
        if case .value(let v?) = last { user.lastName = v }
        try await user.save(on: req.db)
        if newEmail != nil { Self.mailEmailChange(user, req) }
        return try await Self.dto(principal, UserRecord(user), req.db)
    }

    /// The confirmation link to the new address and the notice to the old one, within the mail limits.
    private static func mailEmailChange(_ user: User, _ req: Request) {
        let client = req.clientAddress
        LocalAccounts.inBackground(req, "e-mail change") { app, db in
            guard let pending = user.pendingEmail,
                try await MailLimits.allow("e-mail change", to: pending, from: client, on: db, logger: app.logger)
            else { return }
            try await LocalAccounts.queueEmailConfirmationMail(for: user, app: app, db: db)
            try await LocalAccounts.queueEmailChangeNotice(for: user, app: app, db: db)
        }
    }

    static func dto(_ principal: Principal, _ user: UserRecord, _ db: any Database) async throws -> ProfileDTO {
        ProfileDTO(
            id: principal.userID, username: user.username, email: user.email,
            first_name: user.firstName, last_name: user.lastName,
            date_joined: user.dateJoined, last_login: user.lastLogin,
            book_count: try await BookQueries.count(ownerID: principal.userID, on: db),
            roles: principal.roles.sorted(), auth_source: principal.source.rawValue,
            pending_email: user.pendingEmail)
    }
}
