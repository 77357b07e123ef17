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
        try await (database as! any SQLDatabase).raw(
            """
            CREATE UNIQUE INDEX users_local_email_key ON users (lower(email)) \
            WHERE auth_source = 'local' AND email <> ''
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "users_local_email_key").run()
    }
}
