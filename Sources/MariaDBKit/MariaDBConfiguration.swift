import Foundation

/// Where a MySQL or MariaDB server is and how to reach it, from a `mysql://` (or `mariadb://`) URL:
/// `mysql://USER:PASSWORD@HOST:3306/DB?ssl-mode=REQUIRED&ssl-ca=FILE`, the user and password
/// percent-encoded. The one parser of such URLs: `DATABASE_URL` and `import-django --database`.
public struct MariaDBConfiguration: Sendable, Equatable {
    public var host: String
    public var port: UInt32
    public var user: String
    public var password: String
    public var database: String
    /// `ssl-mode=REQUIRED` (or `VERIFY_CA`, `VERIFY_IDENTITY`): no connection without TLS.
    public var requireTLS = false
    /// `ssl-ca=FILE`: the server's certificate must chain to this CA (implies TLS).
    public var caFile: String?
    /// Connections the pool keeps open at most.
    public var maxConnections = 8
    public var connectTimeoutSeconds: UInt32 = 10

    public init(host: String, port: UInt32 = 3306, user: String, password: String, database: String) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// A URL that is not one; the message never holds the password.
    public struct BadURL: Error, CustomStringConvertible {
        public var description: String
    }

    public static let schemes = ["mysql", "mariadb"]

    public init(url: String) throws {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, Self.schemes.contains(scheme.lowercased()) else {
            throw BadURL(description: "must be a mysql:// or mariadb:// URL (mysql://USER:PASSWORD@HOST:3306/DB)")
        }
        let database = String(parts.percentEncodedPath.dropFirst()).removingPercentEncoding ?? ""
        guard let host = parts.host, !host.isEmpty, !database.isEmpty, let user = parts.user, !user.isEmpty else {
            throw BadURL(description: "needs a user, a host and a database name: mysql://USER:PASSWORD@HOST:3306/DB")
        }
        self.init(host: host, port: UInt32(parts.port ?? 3306), user: user, password: parts.password ?? "", database: database)
        for item in parts.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("ssl-mode", let mode) where ["REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"].contains(mode.uppercased()):
                requireTLS = true
            case ("ssl-mode", let mode) where ["DISABLED", "PREFERRED"].contains(mode.uppercased()):
                requireTLS = false
            case ("ssl-ca", let file) where !file.isEmpty:
                caFile = file
                requireTLS = true
            default:
                throw BadURL(description: "has an unknown or bad parameter \(item.name) (ssl-mode=REQUIRED, ssl-ca=FILE)")
            }
        }
    }

    /// `user@host:port/database`, for messages: never the password.
    public var safeDescription: String { "\(user)@\(host):\(port)/\(database)" }
}
