import CMariaDB
import Foundation
import MariaDBKit

/// A seed deployment's own MySQL or MariaDB database, read for `import-django --database URL`:
/// Django's `auth_user` and the seed's `myapp_books`, as its migrations made them. Only two fixed
/// SELECTs are sent (nothing from the URL goes into SQL); the connection is utf8mb4, and TLS when
/// the URL asks for it (`?ssl-mode=REQUIRED`, `?ssl-ca=FILE`). Through MariaDB Connector/C.
struct SeedDatabase {
    typealias Location = MariaDBConfiguration

    typealias Failure = ImportDjangoCommand.Failure

    /// `mysql://USER:PASSWORD@HOST:PORT/DB` (or `mariadb://`), parsed as `DATABASE_URL` is.
    static func location(_ url: String) throws -> Location {
        do {
            return try MariaDBConfiguration(url: url)
        } catch let error as MariaDBConfiguration.BadURL {
            throw Failure(description: "--database \(error.description)")
        }
    }

    /// The seed's book table, as Django names it for `myapp.Books`; a constant, never input.
    static let booksTable = "myapp_books"

    /// The users and books of the seed's database at `location`.
    static func read(_ location: Location) throws -> ImportDjangoCommand.Dump {
        let connection = try Connection(location)
        defer { connection.close() }
        let users = try connection.rows(
            """
            SELECT id, username, email, first_name, last_name, password, is_active, date_joined, last_login FROM auth_user ORDER BY id
            """
        ).map { row in
            ImportDjangoCommand.DumpUser(
                pk: try int(row[0], "auth_user.id"), username: row[1] ?? "", email: row[2] ?? "", firstName: row[3] ?? "",
                lastName: row[4] ?? "", password: row[5] ?? "", isActive: row[6] == "1",
                dateJoined: row[7].flatMap(date), lastLogin: row[8].flatMap(date))
        }
        let books = try connection.rows(
            "SELECT title, author, published_year, user_id, is_available FROM \(booksTable) ORDER BY id"
        ).map { row in
            ImportDjangoCommand.DumpBook(
                owner: try int(row[3], "\(booksTable).user_id"), title: row[0] ?? "", author: row[1] ?? "",
                year: try int(row[2], "\(booksTable).published_year"), available: row[4] == "1")
        }
        guard !users.isEmpty else {
            throw Failure(description: "auth_user of \(location.database) is empty: no seed users to import")
        }
        return ImportDjangoCommand.Dump(users: users, books: books, skipped: [:])
    }

    static func int(_ text: String?, _ column: String) throws -> Int {
        guard let text, let value = Int(text) else {
            throw Failure(description: "\(column) holds \(text ?? "NULL"), not a number")
        }
        return value
    }

    /// Django keeps datetimes in UTC in `DATETIME(6)`: `2024-05-01 10:00:00.123456`, the file's
    /// form with a space for the `T` and no `Z`.
    static func date(_ text: String) -> Date? {
        ImportDjangoCommand.date(text.replacingOccurrences(of: " ", with: "T") + "Z")
    }

    /// One blocking client connection (the command runs once, off the server's event loops).
    final class Connection {
        let handle: UnsafeMutablePointer<MYSQL>

        init(_ location: Location) throws {
            guard let handle = mysql_init(nil) else { throw Failure(description: "MariaDB Connector/C: out of memory") }
            self.handle = handle
            mysql_options(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4")
            var timeout: UInt32 = 10
            mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
            if location.requireTLS {
                var enforce: my_bool = 1
                mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &enforce)
                if let ca = location.caFile {
                    mysql_options(handle, MYSQL_OPT_SSL_CA, ca)
                    mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &enforce)
                }
            }
            guard
                mysql_real_connect(
                    handle, location.host, location.user, location.password, location.database,
                    location.port, nil, 0) != nil
            else {
                let reason = String(cString: mysql_error(handle))
                mysql_close(handle)
                throw Failure(
                    description:
                        "cannot connect to \(location.user)@\(location.host):\(location.port)/\(location.database): \(reason)")
            }
            // Connector/C 3.3 lets a server without TLS through when the certificate is not verified.
            if location.requireTLS, mysql_get_ssl_cipher(handle) == nil {
                mysql_close(handle)
                throw Failure(
                    description: "cannot connect to \(location.safeDescription): TLS is required but the server did not start it")
            }
        }

        func close() { mysql_close(handle) }

        /// Every row of a query, each column as text or nil for NULL.
        func rows(_ sql: String) throws -> [[String?]] {
            guard mysql_query(handle, sql) == 0, let result = mysql_store_result(handle) else {
                throw Failure(description: "reading the seed's tables failed: \(String(cString: mysql_error(handle)))")
            }
            defer { mysql_free_result(result) }
            let count = Int(mysql_num_fields(result))
            var rows: [[String?]] = []
            while let row = mysql_fetch_row(result), let lengths = mysql_fetch_lengths(result) {
                rows.append(
                    (0..<count).map { i in
                        row[i].map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(lengths[i])), as: UTF8.self) }
                    })
            }
            return rows
        }
    }
}
