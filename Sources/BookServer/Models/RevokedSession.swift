import Fluent
import Foundation

/// A provider session ended by back-channel logout. Kept in the database, not in memory, so every
/// replica of the server refuses the session's tokens, and a restart does not forget it.
///
/// With a `sid` the whole session is refused; without one (a provider that sends only `sub`), every
/// token of that subject issued up to `revokedAt`. A token that names no session is refused when
/// its subject's session ended after it was issued, whether or not the logout named a `sid`.
public final class RevokedSession: Model, @unchecked Sendable {
    public static let schema = "revoked_sessions"

    // managed
    @ID(custom: "id", generatedBy: .database) public var id: Int?

    // data
    @OptionalField(key: "sid") public var sid: String?
    @OptionalField(key: "subject") public var subject: String?
    @Field(key: "revoked_at") public var revokedAt: Date

    public init() {}

    public init(sid: String?, subject: String?, revokedAt: Date) {
        self.sid = sid
        self.subject = subject
        self.revokedAt = revokedAt
    }
}

extension RevokedSession {
    /// Whether a token of session `sid` for `subject`, issued at `issuedAt`, has been logged out.
    public static func covers(sid: String?, subject: String, issuedAt: Date?, on db: any Database) async throws -> Bool {
        let rows = try await RevokedSession.query(on: db).group(.or) { or in
            if let sid { or.filter(\.$sid == sid) }
            or.filter(\.$subject == subject)
        }.all()
        return rows.contains { row in
            // A session-wide logout covers the tokens of that session; tokens that name no session
            // (glewlwyd's access tokens carry no `sid`) fall back to subject and time, below.
            if let revokedSid = row.sid, let sid { return revokedSid == sid }
            guard row.subject == subject else { return false }
            // A token without `iat` cannot show it came after the logout.
            guard let issuedAt else { return true }
            return issuedAt <= row.revokedAt
        }
    }
}
