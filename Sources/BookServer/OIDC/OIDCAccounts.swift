import Fluent
import Foundation

/// Local users for the provider's subjects: made on the first call with a new `sub`, kept in step
/// with the token's profile claims on later ones. Books and the profile hang off this row.
enum OIDCAccounts {
    /// Django's limit for usernames, which the seed's clients assume.
    static let usernameMax = 150
    /// Added to a provider username that a local account already has, before any number.
    static let clashSuffix = "-oidc"

    /// The user linked to the token's subject, provisioned or updated as needed.
    static func user(for claims: AccessTokenClaims, now: Date, on db: any Database) async throws -> User {
        guard let subject = claims.sub else { throw OIDCRejection("Token has no subject") }
        if let user = try await find(subject: subject, on: db) {
            try await update(user, from: claims, on: db)
            return user
        }
        if let user = try await imported(for: claims, on: db) {
            user.oidcSubject = subject
            user.authSource = "oidc"
            user.passwordHash = ""
            try await update(user, from: claims, on: db)
            return user
        }
        let user = User(
            username: try await freeUsername(for: desiredUsername(claims, subject: subject), on: db),
            email: claims.email?.lowercased() ?? "", passwordHash: "", isActive: true, authSource: "oidc")
        user.oidcSubject = subject
        user.firstName = claims.given_name ?? ""
        user.lastName = claims.family_name ?? ""
        user.lastLogin = claims.auth_time.map(Date.init(timeIntervalSince1970:)) ?? now
        do {
            try await user.create(on: db)
        } catch {
            // Two first calls at once: the other made the row (unique `oidc_subject`), use it.
            guard (error as? any DatabaseError)?.isConstraintFailure == true,
                let existing = try await find(subject: subject, on: db)
            else { throw error }
            return existing
        }
        return user
    }

    /// A record `import-django` made for one of the seed's Keycloak users (mozilla-django-oidc gave
    /// it an unusable password, which nothing but the import writes here), with the token's
    /// address, verified by the provider: the first sign-in takes it over, books and all.
    static func imported(for claims: AccessTokenClaims, on db: any Database) async throws -> User? {
        guard claims.email_verified == true, let email = claims.email?.lowercased(), !email.isEmpty else { return nil }
        let candidates = try await User.query(on: db).filter(\.$email == email).filter(\.$authSource == "local")
            .filter(\.$oidcSubject == nil).all()
        let unlinked = candidates.filter { DjangoPassword.isUnusable($0.passwordHash) }
        return unlinked.count == 1 ? unlinked[0] : nil
    }

    static func find(subject: String, on db: any Database) async throws -> User? {
        try await User.query(on: db).filter(\.$oidcSubject == subject).first()
    }

    /// Copies changed profile claims; writes only when something changed, since this runs on every call.
    static func update(_ user: User, from claims: AccessTokenClaims, on db: any Database) async throws {
        if let email = claims.email?.lowercased(), email != user.email { user.email = email }
        if let first = claims.given_name, first != user.firstName { user.firstName = first }
        if let last = claims.family_name, last != user.lastName { user.lastName = last }
        if let authTime = claims.auth_time.map(Date.init(timeIntervalSince1970:)),
            user.lastLogin.map({ Int($0.timeIntervalSince1970) }) != Int(authTime.timeIntervalSince1970)
        {
            user.lastLogin = authTime
        }
        let desired = desiredUsername(claims, subject: user.oidcSubject ?? "")
        if !owns(user.username, desired: desired) {
            user.username = try await freeUsername(for: desired, on: db)
        }
        guard user.hasChanges else { return }
        try await user.save(on: db)
    }

    /// `preferred_username`, else the e-mail's local part, else a name made from the subject.
    static func desiredUsername(_ claims: AccessTokenClaims, subject: String) -> String {
        let candidates = [claims.preferred_username, claims.email?.split(separator: "@").first.map(String.init)]
        let name =
            candidates.compactMap { $0?.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
            ?? "user-" + subject.prefix(12)
        return String(name.prefix(usernameMax - clashSuffix.count - 4))
    }

    /// Whether `username` is what `desired` became, possibly suffixed because of a clash, so a
    /// user whose name was suffixed is not renamed back and forth on every call.
    static func owns(_ username: String, desired: String) -> Bool {
        guard username != desired else { return true }
        guard username.hasPrefix(desired + clashSuffix) else { return false }
        let number = username.dropFirst(desired.count + clashSuffix.count)
        return number.isEmpty || number.allSatisfy(\.isNumber)
    }

    /// `desired`, or `desired-oidc`, `desired-oidc2`, ... when a local account has the name.
    static func freeUsername(for desired: String, on db: any Database) async throws -> String {
        for n in 1...50 {
            let name = n == 1 ? desired : desired + clashSuffix + (n == 2 ? "" : String(n - 1))
            if try await User.find(username: name, on: db) == nil { return name }
        }
        return desired + clashSuffix + "-" + UUID().uuidString.prefix(8).lowercased()
    }
}
