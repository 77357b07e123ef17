import Fluent

struct CreateUser: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .field("id", .int, .identifier(auto: true))
            .field("username", .string, .required)
            .field("email", .string, .required)
            .field("first_name", .string, .required)
            .field("last_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("is_active", .bool, .required)
            .field("last_login", .datetime)
            .field("date_joined", .datetime)
            .field("auth_source", .string, .required)
            .field("oidc_subject", .string)
            .unique(on: "username")
            .unique(on: "oidc_subject")
            .create()
        // Names are limited in characters as people see them, which may be several code points each.
        try await MySQLSchema.widen(
            User.schema, ["first_name": "VARCHAR(1020) NOT NULL", "last_name": "VARCHAR(1020) NOT NULL"], on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).delete()
    }
}
