import Fluent
import Foundation

/// A person who signs in: a local account (password) or one provisioned from the OIDC provider.
public final class User: Model, @unchecked Sendable {
    public static let schema = "users"

    // managed
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Timestamp(key: "date_joined", on: .create) public var dateJoined: Date?

    // data
    @Field(key: "username") public var username: String
    @Field(key: "email") public var email: String
    @Field(key: "first_name") public var firstName: String
    @Field(key: "last_name") public var lastName: String
    /// Bcrypt hash; empty for users that only sign in through the OIDC provider.
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "is_active") public var isActive: Bool
    @OptionalField(key: "last_login") public var lastLogin: Date?
    /// `"local"` or `"oidc"`.
    @Field(key: "auth_source") public var authSource: String
    /// The provider's `sub` for OIDC users.
    @OptionalField(key: "oidc_subject") public var oidcSubject: String?
    /// Random per account and carried in its local tokens, so a token only ever opens the account it
    /// was issued for, even if an id came back. Empty for accounts made before it existed.
    @Field(key: "token_key") public var tokenKey: String
    /// An e-mail address asked for in the profile, waiting to be confirmed from that address.
    @OptionalField(key: "pending_email") public var pendingEmail: String?

    // relationships
    @Children(for: \.$owner) public var books: [Book]
    @Children(for: \.$user) public var roles: [UserRole]

    public init() {}

    public init(username: String, email: String, passwordHash: String, isActive: Bool, authSource: String = "local") {
        self.username = username
        self.email = email
        self.firstName = ""
        self.lastName = ""
        self.passwordHash = passwordHash
        self.isActive = isActive
        self.authSource = authSource
        self.tokenKey = User.newTokenKey()
    }

    public static func newTokenKey() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}

extension User {
    /// Usernames match exactly, as in Django.
    public static func find(username: String, on db: any Database) async throws -> User? {
        try await User.query(on: db).filter(\.$username == username).first()
    }

    public static func find(email: String, on db: any Database) async throws -> User? {
        try await User.query(on: db).filter(\.$email == email.lowercased()).first()
    }

    /// The local (password) account with this address; e-mail is unique among those.
    public static func findLocal(email: String, on db: any Database) async throws -> User? {
        try await User.query(on: db).filter(\.$email == email.lowercased()).filter(\.$authSource == "local").first()
    }

    public func roleNames(on db: any Database) async throws -> [String] {
        try await UserRole.query(on: db).filter(\.$user.$id == requireID()).sort(\.$role).all().map(\.role)
    }
}
