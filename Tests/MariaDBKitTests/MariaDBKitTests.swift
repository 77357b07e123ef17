import Foundation
import Testing

@testable import MariaDBKit

@Suite struct MariaDBKitTests {
    @Test func urls() throws {
        let plain = try MariaDBConfiguration(url: "mysql://books:p%40ss@db.example.org/books")
        #expect(plain.host == "db.example.org" && plain.port == 3306 && plain.password == "p@ss" && !plain.requireTLS)
        #expect(plain.safeDescription == "books@db.example.org:3306/books")
        let tls = try MariaDBConfiguration(url: "mariadb://ro@127.0.0.1:3307/books?ssl-mode=required")
        #expect(tls.port == 3307 && tls.requireTLS && tls.caFile == nil)
        for bad in ["postgres://u@h/d", "mysql://h/d", "mysql://u@h/", "mysql://u@h/d?ssl-mode=MAYBE"] {
            #expect(throws: MariaDBConfiguration.BadURL.self, "\(bad)") { try MariaDBConfiguration(url: bad) }
        }
    }

    /// DATETIME(6) in UTC both ways, to the microsecond.
    @Test func datetimes() throws {
        let date = Date(timeIntervalSince1970: 1_767_323_045.123456)
        let time = MariaDBTime.mysqlTime(date)
        #expect(time.year == 2026 && time.month == 1 && time.day == 2 && time.hour == 3 && time.minute == 4 && time.second == 5)
        #expect(time.second_part == 123_456)
        let back = try #require(MariaDBTime.date("2026-01-02 03:04:05.123456"))
        #expect(abs(back.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.000_001)
        #expect(MariaDBTime.date("2026-01-02 03:04:05")?.timeIntervalSince1970 == 1_767_323_045)
        #expect(MariaDBTime.date("2026-01-02")?.timeIntervalSince1970 == 1_767_312_000)
        #expect(MariaDBTime.date("soon") == nil)
    }

    enum Kind: String, Codable { case local, oidc }

    @Test func bindsAndValues() throws {
        #expect(try MariaDBEncoding.value(42) == .int(42))
        #expect(try MariaDBEncoding.value(true) == .int(1))
        #expect(try MariaDBEncoding.value("📚 書") == .text("📚 書"))
        #expect(try MariaDBEncoding.value(Int?.none) == .null)
        #expect(try MariaDBEncoding.value(Optional(7)) == .int(7))
        #expect(try MariaDBEncoding.value(Kind.oidc) == .text("oidc"))
        #expect(throws: MariaDBEncoding.Unsupported.self) { try MariaDBEncoding.value(["a": 1]) }

        let row = MariaDBRow(
            columns: MariaDBColumns(["id", "flag", "title", "at", "none"]), values: ["3", "1", "📚", "2026-01-02 03:04:05", nil])
        #expect(try row.decode(column: "id", as: Int.self) == 3)
        #expect(try row.decode(column: "flag", as: Bool.self))
        #expect(try row.decode(column: "title", as: String.self) == "📚")
        #expect(try row.decode(column: "at", as: Date.self).timeIntervalSince1970 == 1_767_323_045)
        #expect(try row.decode(column: "none", as: Int?.self) == nil)
        #expect(try row.decode(column: "id", as: Int?.self) == 3)
        #expect(try row.decodeNil(column: "none"))
        #expect(throws: (any Error).self) { try row.decode(column: "title", as: Int.self) }
        #expect(throws: (any Error).self) { try row.decode(column: "missing", as: Int.self) }
    }
}
