import Fluent

struct CreateUserRole: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserRole.schema)
            .field("id", .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("role", .string, .required)
            .unique(on: "user_id", "role")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserRole.schema).delete()
    }
}
