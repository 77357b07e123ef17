import Fluent
import SQLKit

struct CreateRevokedSession: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RevokedSession.schema)
            .field("id", .int, .identifier(auto: true))
            .field("sid", .string)
            .field("subject", .string)
            .field("revoked_at", .datetime, .required)
            .create()
        // Every request with a provider token looks these up.
        let sql = database as! any SQLDatabase
        try await sql.create(index: "revoked_sessions_sid_idx").on(RevokedSession.schema).column("sid").run()
        try await sql.create(index: "revoked_sessions_subject_idx").on(RevokedSession.schema).column("subject").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RevokedSession.schema).delete()
    }
}
