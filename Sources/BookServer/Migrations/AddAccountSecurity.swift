import Fluent
import SQLKit

/// Per-user token keys, pending e-mail changes, refresh-token families and their revocations, and
/// the mail request log the mail limits count.
struct AddAccountSecurity: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        // Existing accounts keep an empty key, which matches the tokens they already hold; every
        // account made from now on gets a random one.
        // MySQL: no default on a TEXT column (MySQL 8), and an index on `family` needs a sized type.
        let text = MySQLSchema.isMySQL(database) ? "VARCHAR(255)" : "TEXT"
        try await sql.raw("ALTER TABLE users ADD COLUMN token_key \(unsafeRaw: text) NOT NULL DEFAULT ''").run()
        try await sql.raw("ALTER TABLE users ADD COLUMN pending_email \(unsafeRaw: text)").run()
        try await sql.raw("ALTER TABLE issued_tokens ADD COLUMN family \(unsafeRaw: text) NOT NULL DEFAULT ''").run()
        // Tokens issued before families existed each form their own.
        try await sql.raw("UPDATE issued_tokens SET family = jti").run()
        try await sql.create(index: "issued_tokens_family_idx").on(IssuedToken.schema).column("family").run()

        try await database.schema(RevokedTokenFamily.schema)
            .field("id", .int, .identifier(auto: true))
            .field("family", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .unique(on: "family")
            .create()

        try await database.schema(MailRequest.schema)
            .field("id", .int, .identifier(auto: true))
            .field("recipient", .string, .required)
            .field("client", .string, .required)
            .field("requested_at", .datetime, .required)
            .create()
        try await sql.create(index: "mail_requests_recipient_idx").on(MailRequest.schema).column("recipient").run()
        try await sql.create(index: "mail_requests_client_idx").on(MailRequest.schema).column("client").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MailRequest.schema).delete()
        try await database.schema(RevokedTokenFamily.schema).delete()
        let sql = database as! any SQLDatabase
        // SQLite will not drop a column an index is on; the others drop the index with it.
        if sql.dialect.name == "sqlite" { try await sql.drop(index: "issued_tokens_family_idx").run() }
        try await database.schema(IssuedToken.schema).deleteField("family").update()
        // One column a statement: SQLite takes no list of DROP COLUMNs.
        try await database.schema(User.schema).deleteField("pending_email").update()
        try await database.schema(User.schema).deleteField("token_key").update()
    }
}
