import Fluent
import Foundation

/// A refresh token we issued (simplejwt's "outstanding token"), so all of a user's tokens can be
/// blacklisted at once, e.g. when the password changes.
public final class IssuedToken: Model, @unchecked Sendable {
    public static let schema = "issued_tokens"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "jti") public var jti: String
    @Parent(key: "user_id") public var user: User
    @Field(key: "expires_at") public var expiresAt: Date
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    /// The sign-in this token descends from: the `jti` of the first refresh token of that login.
    @Field(key: "family") public var family: String

    public init() {}
    public init(jti: String, userID: Int, expiresAt: Date, family: String) {
        self.jti = jti
        self.$user.id = userID
        self.expiresAt = expiresAt
        self.family = family
    }
}

/// A token that may never be used again: refresh tokens after logout, rotation or a password change,
/// and access tokens presented to logout. Lives in the database so every replica agrees.
public final class BlacklistedToken: Model, @unchecked Sendable {
    public static let schema = "blacklisted_tokens"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "jti") public var jti: String
    @Field(key: "expires_at") public var expiresAt: Date
    @Timestamp(key: "blacklisted_at", on: .create) public var blacklistedAt: Date?

    public init() {}
    public init(jti: String, expiresAt: Date) {
        self.jti = jti
        self.expiresAt = expiresAt
    }
}

extension BlacklistedToken {
    public static func contains(_ jti: String, on db: any Database) async throws -> Bool {
        try await BlacklistedToken.query(on: db).filter(\.$jti == jti).count() > 0
    }
}

/// A sign-in ended because one of its rotated-out refresh tokens was used again (RFC 9700 §4.14):
/// every refresh and access token of the family is refused from then on.
public final class RevokedTokenFamily: Model, @unchecked Sendable {
    public static let schema = "revoked_token_families"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "family") public var family: String
    /// After this no token of the family can be unexpired, so the row may go.
    @Field(key: "expires_at") public var expiresAt: Date
    @Timestamp(key: "revoked_at", on: .create) public var revokedAt: Date?

    public init() {}
    public init(family: String, expiresAt: Date) {
        self.family = family
        self.expiresAt = expiresAt
    }
}
