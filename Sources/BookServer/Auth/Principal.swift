import Fluent
import SQLKit
import Vapor

/// Who is calling: a user of ours, with the roles that count for this request and how they signed in.
public struct Principal: Authenticatable, Sendable {
    public enum Source: String, Sendable { case local, oidc }

    /// The caller's `users` row as a plain value, read without building a Fluent model.
    public var account: UserRecord
    public var roles: Set<String>
    public var source: Source
    /// The access token's id and expiry, so logout can blacklist it. Provider tokens' ids are
    /// prefixed `oidc:` so they cannot collide with ours; empty when the token has no `jti`.
    public var tokenID: String
    public var tokenExpiresAt: Date

    public init(account: UserRecord, roles: Set<String>, source: Source, tokenID: String, tokenExpiresAt: Date) {
        self.account = account
        self.roles = roles
        self.source = source
        self.tokenID = tokenID
        self.tokenExpiresAt = tokenExpiresAt
    }

    public init(user: User, roles: Set<String>, source: Source, tokenID: String, tokenExpiresAt: Date) {
        self.init(account: UserRecord(user), roles: roles, source: source, tokenID: tokenID, tokenExpiresAt: tokenExpiresAt)
    }

    public var userID: Int { account.id }

    /// The caller as a Fluent model, for the few routes that write the user (a new one each time;
    /// it saves only what the route changes). Read paths use `account`.
    public var user: User { account.model() }
}

/// One row of `users`, every column.
public struct UserRecord: Sendable, Equatable {
    public var id: Int
    public var username: String
    public var email: String
    public var firstName: String
    public var lastName: String
    public var passwordHash: String
    public var isActive: Bool
    public var authSource: String
    public var oidcSubject: String?
    public var dateJoined: Date?
    public var lastLogin: Date?
    public var tokenKey: String
    public var pendingEmail: String?

    /// The `SELECT` list that `init(row:prefix:)` reads, each column `AS <prefix><name>`.
    static func columns(of table: String, prefix: String) -> String {
        [
            "id", "username", "email", "first_name", "last_name", "password_hash", "is_active", "auth_source",
            "oidc_subject", "date_joined", "last_login", "token_key", "pending_email",
        ].map { "\(table).\($0) AS \(prefix)\($0)" }.joined(separator: ", ")
    }

    init(row: any SQLRow, prefix: String) throws {
        id = try row.decode(column: prefix + "id", as: Int.self)
        username = try row.decode(column: prefix + "username", as: String.self)
        email = try row.decode(column: prefix + "email", as: String.self)
        firstName = try row.decode(column: prefix + "first_name", as: String.self)
        lastName = try row.decode(column: prefix + "last_name", as: String.self)
        passwordHash = try row.decode(column: prefix + "password_hash", as: String.self)
        isActive = try row.decode(column: prefix + "is_active", as: Bool.self)
        authSource = try row.decode(column: prefix + "auth_source", as: String.self)
        oidcSubject = try row.decode(column: prefix + "oidc_subject", as: String?.self)
        dateJoined = try row.decode(column: prefix + "date_joined", as: Date?.self)
        lastLogin = try row.decode(column: prefix + "last_login", as: Date?.self)
        tokenKey = try row.decode(column: prefix + "token_key", as: String.self)
        pendingEmail = try row.decode(column: prefix + "pending_email", as: String?.self)
    }

    public init(_ user: User) {
        id = user.id ?? 0
        username = user.username
        email = user.email
        firstName = user.firstName
        lastName = user.lastName
        passwordHash = user.passwordHash
        isActive = user.isActive
        authSource = user.authSource
        oidcSubject = user.oidcSubject
        dateJoined = user.dateJoined
        lastLogin = user.lastLogin
        tokenKey = user.tokenKey
        pendingEmail = user.pendingEmail
    }

    /// A `User` that Fluent sees as loaded from the database and unchanged, so `save` writes only the
    /// fields a caller then sets. Property by property: no reflection over the model.
    func model() -> User {
        let user = User()
        let output = RecordOutput(record: self)
        // The values always match the fields' types, so these cannot fail.
        try? user.$id.output(from: output)
        try? user.$dateJoined.output(from: output)
        try? user.$username.output(from: output)
        try? user.$email.output(from: output)
        try? user.$firstName.output(from: output)
        try? user.$lastName.output(from: output)
        try? user.$passwordHash.output(from: output)
        try? user.$isActive.output(from: output)
        try? user.$lastLogin.output(from: output)
        try? user.$authSource.output(from: output)
        try? user.$oidcSubject.output(from: output)
        try? user.$tokenKey.output(from: output)
        try? user.$pendingEmail.output(from: output)
        try? user.$books.output(from: output)
        try? user.$roles.output(from: output)
        return user
    }

    /// The record as Fluent's view of a result row.
    private struct RecordOutput: DatabaseOutput {
        let record: UserRecord

        var description: String { "UserRecord(\(record.id))" }
        func schema(_ schema: String) -> any DatabaseOutput { self }
        func contains(_ key: FieldKey) -> Bool { value(key) != nil }
        func decodeNil(_ key: FieldKey) throws -> Bool {
            switch key.description {
            case "oidc_subject": record.oidcSubject == nil
            case "date_joined": record.dateJoined == nil
            case "last_login": record.lastLogin == nil
            case "pending_email": record.pendingEmail == nil
            default: value(key) == nil
            }
        }
        func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
            guard let typed = value(key) as? T else {
                throw DecodingError.typeMismatch(T.self, .init(codingPath: [], debugDescription: "\(key) of \(description)"))
            }
            return typed
        }

        /// The column's value (an optional one unwrapped by the cast in `decode`), nil when there is no such column.
        private func value(_ key: FieldKey) -> Any? {
            switch key.description {
            case "id": record.id
            case "username": record.username
            case "email": record.email
            case "first_name": record.firstName
            case "last_name": record.lastName
            case "password_hash": record.passwordHash
            case "is_active": record.isActive
            case "auth_source": record.authSource
            case "oidc_subject": record.oidcSubject as Any
            case "date_joined": record.dateJoined as Any
            case "last_login": record.lastLogin as Any
            case "token_key": record.tokenKey
            case "pending_email": record.pendingEmail as Any
            default: nil
            }
        }
    }
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
