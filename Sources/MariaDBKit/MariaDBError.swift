import CMariaDB

/// An error of the server or of Connector/C: its number, SQLSTATE and message. The message may
/// quote a duplicate value but never holds a bind's value otherwise, nor the password.
public struct MariaDBError: Error, CustomStringConvertible, Sendable {
    public var code: UInt32
    public var message: String
    public var sqlState: String

    public init(code: UInt32, message: String, sqlState: String) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
    }

    init(_ handle: UnsafeMutablePointer<MYSQL>) {
        self.init(
            code: mysql_errno(handle), message: String(cString: mysql_error(handle)),
            sqlState: String(cString: mysql_sqlstate(handle)))
    }

    init(_ statement: UnsafeMutablePointer<MYSQL_STMT>) {
        self.init(
            code: mysql_stmt_errno(statement), message: String(cString: mysql_stmt_error(statement)),
            sqlState: String(cString: mysql_stmt_sqlstate(statement)))
    }

    public var description: String { "MariaDB error \(code) (\(sqlState)): \(message)" }

    /// Duplicate keys, foreign keys, NOT NULL and CHECK: what the other drivers call constraint failures.
    public var isConstraintFailure: Bool {
        [1062, 1586, 1451, 1452, 1216, 1217, 1048, 3819, 4025].contains(code)
    }

    public var isDuplicateKey: Bool { code == 1062 || code == 1586 }

    public var isSyntaxError: Bool { code == 1064 || code == 1149 }

    /// The connection is gone (server restarted, killed, timed out) or could not be made: the
    /// pool throws it away, and the statement may be tried again on a new one.
    public var isConnectionError: Bool {
        [2002, 2003, 2006, 2013, 2055, 4031, 1927, 1053, 2026].contains(code)
    }
}
