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
        let first = r.string("first_name", required: false, maxLength: Self.nameMax, allowBlank: true)
        let last = r.string("last_name", required: false, maxLength: Self.nameMax, allowBlank: true)
        if case .value(let address?) = email {
            if !AccountController.isValidEmail(address) {
                r.errors.add("email", "Enter a valid email address.")
            } else if let other = try await User.find(email: address, on: req.db), other.id != user.id {
                r.errors.add("email", "A user with that email already exists.")
            }
        }
        // A provider user's profile is copied from each token, so a change here would not last.
        // Sending the current values back (a PUT of the whole profile) is fine.
        if principal.source == .oidc {
            if case .value(let v) = email, v?.lowercased() != user.email {
                r.errors.add("email", "Your e-mail address comes from your sign-in provider; change it there.")
            }
            if case .value(let v) = first, (v ?? "") != user.firstName {
                r.errors.add("first_name", "Your name comes from your sign-in provider; change it there.")
            }
            if case .value(let v) = last, (v ?? "") != user.lastName {
                r.errors.add("last_name", "Your name comes from your sign-in provider; change it there.")
            }
        }
        try r.errors.throwIfAny()
        if case .value(let v?) = email { user.email = v.lowercased() }
        if case .value(let v?) = first { user.firstName = v }
        if case .value(let v?) = last { user.lastName = v }
        try await user.save(on: req.db)
        return try await Self.dto(principal, UserRecord(user), req.db)
    }

    static func dto(_ principal: Principal, _ user: UserRecord, _ db: any Database) async throws -> ProfileDTO {
        ProfileDTO(
            id: principal.userID, username: user.username, email: user.email,
            first_name: user.firstName, last_name: user.lastName,
            date_joined: user.dateJoined, last_login: user.lastLogin,
            book_count: try await BookQueries.count(ownerID: principal.userID, on: db),
            roles: principal.roles.sorted(), auth_source: principal.source.rawValue)
    }
}
