import Fluent
import SQLKit

struct CreateTokenTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(IssuedToken.schema)
            .field("id", .int, .identifier(auto: true))
            .field("jti", .string, .required)
            .field("user_id", .int, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime)
            .unique(on: "jti")
            .create()
        try await database.schema(BlacklistedToken.schema)
            .field("id", .int, .identifier(auto: true))
            .field("jti", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("blacklisted_at", .datetime)
            .unique(on: "jti")
            .create()
        try await (database as! any SQLDatabase).create(index: "issued_tokens_user_id_idx")
            .on(IssuedToken.schema).column("user_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(BlacklistedToken.schema).delete()
        try await database.schema(IssuedToken.schema).delete()
    }
}
