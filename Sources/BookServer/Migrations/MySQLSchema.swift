import Fluent
import SQLKit

/// What the migrations do differently on MySQL and MariaDB. There a Fluent `.string` column is
/// `VARCHAR(255)` (MariaDBKit's dialect), so that indexes and unique keys on it fit InnoDB's
/// 3,072-byte keys in utf8mb4; the few columns that hold more are widened here, right after the
/// table is made, keeping their NULL or NOT NULL.
enum MySQLSchema {
    static func isMySQL(_ database: any Database) -> Bool {
        (database as? any SQLDatabase)?.dialect.name == "mysql"
    }

    /// `ALTER TABLE table MODIFY column type, ...` on MySQL; nothing elsewhere. The types are constants.
    static func widen(_ table: String, _ columns: KeyValuePairs<String, String>, on database: any Database) async throws {
        guard isMySQL(database), let sql = database as? any SQLDatabase else { return }
        let changes = columns.map { "MODIFY `\($0.key)` \($0.value)" }.joined(separator: ", ")
        try await sql.raw("ALTER TABLE `\(unsafeRaw: table)` \(unsafeRaw: changes)").run()
    }
}
