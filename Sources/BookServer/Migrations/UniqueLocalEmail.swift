import Fluent
import SQLKit

/// One local account per e-mail address, case-insensitively, enforced by a unique index so that
/// parallel registrations cannot slip past the check. Provider (OIDC) accounts take their address
/// from the provider and are left out, as are empty addresses.
///
/// Existing duplicates stop the migration with an error naming them (and the accounts), so the
/// operator can give each its own address and start again; nothing is changed or deleted silently.
struct UniqueLocalEmail: AsyncMigration {
    struct Duplicates: Error, CustomStringConvertible { var description: String }

    func prepare(on database: any Database) async throws {
        let users = try await User.query(on: database).filter(\.$authSource == "local").all()
        let byAddress = Dictionary(grouping: users.filter { !$0.email.isEmpty }, by: { $0.email.lowercased() })
        let shared = byAddress.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }
        if !shared.isEmpty {
            let list = shared.map { address, accounts in
                "\(address) (\(accounts.map(\.username).sorted().joined(separator: ", ")))"
            }.joined(separator: "; ")
            let message =
                "migration UniqueLocalEmail: \(shared.count) e-mail address(es) are used by more than one local account: \(list). Give each account its own address, then start again."
            database.logger.critical("\(message)")
            throw Duplicates(description: message)
        }
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "mysql" {
            // No partial or expression indexes there: a generated column holds the folded address of a
            // local account (NULL otherwise, and NULLs do not collide), and the unique index is on it.
            try await sql.raw(
                """
                ALTER TABLE users ADD COLUMN local_email VARCHAR(255) AS \
                (CASE WHEN auth_source = 'local' AND email <> '' THEN lower(email) END) VIRTUAL
                """
            ).run()
            try await sql.raw("CREATE UNIQUE INDEX users_local_email_key ON users (local_email)").run()
            return
        }
        try await sql.raw(
            """
            CREATE UNIQUE INDEX users_local_email_key ON users (lower(email)) \
            WHERE auth_source = 'local' AND email <> ''
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "mysql" {
            try await sql.raw("ALTER TABLE users DROP INDEX users_local_email_key, DROP COLUMN local_email").run()
            return
        }
        try await sql.drop(index: "users_local_email_key").run()
    }
}
