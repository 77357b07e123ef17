import Testing

@testable import BookServer

/// `book-server import-django`'s command line and `--database` URLs, as an operator types them.
@Suite struct ImportDjangoArgumentsTests {
    @Test func aFileOrADatabaseAndADryRun() throws {
        #expect(try ImportDjangoCommand.parse(["dump.json"]) == .init(file: "dump.json", database: nil))
        #expect(
            try ImportDjangoCommand.parse(["--dry-run", "dump.json"]) == .init(file: "dump.json", database: nil, dryRun: true))
        #expect(try ImportDjangoCommand.parse(["--database", "mysql://u@h/d"]) == .init(file: nil, database: "mysql://u@h/d"))
        #expect(
            try ImportDjangoCommand.parse(["--database=mysql://u@h/d", "--dry-run"])
                == .init(file: nil, database: "mysql://u@h/d", dryRun: true))
    }

    @Test func whatIsRefused() {
        for bad in [
            [], ["a.json", "b.json"], ["a.json", "--database", "mysql://u@h/d"], ["--database"], ["--force", "a.json"],
        ] {
            #expect(throws: ImportDjangoCommand.Failure.self, "\(bad)") { try ImportDjangoCommand.parse(bad) }
        }
    }

    @Test func databaseURLs() throws {
        let plain = try SeedDatabase.location("mysql://seed:s3cret%2Fwith%3Aodd%40chars@db.example.org/seed")
        #expect(
            plain == .init(host: "db.example.org", port: 3306, user: "seed", password: "s3cret/with:odd@chars", database: "seed"))
        let tls = try SeedDatabase.location("mariadb://ro@127.0.0.1:3307/books?ssl-mode=REQUIRED")
        #expect(tls.port == 3307 && tls.requireTLS && tls.caFile == nil)
        let ca = try SeedDatabase.location("mysql://ro@h/d?ssl-ca=/etc/ssl/seed-ca.pem")
        #expect(ca.requireTLS && ca.caFile == "/etc/ssl/seed-ca.pem")
        for bad in [
            "postgres://u@h/d", "mysql://h/d", "mysql://u@h/", "mysql://u@h/d?ssl-mode=MAYBE", "mysql://u@h/d?charset=latin1",
        ] {
            #expect(throws: ImportDjangoCommand.Failure.self, "\(bad)") { try SeedDatabase.location(bad) }
        }
    }

    @Test func djangoDatetimesAreUTC() throws {
        let date = try #require(SeedDatabase.date("2019-03-04 05:06:07.250000"))
        #expect(date.timeIntervalSince1970 == 1_551_675_967.25)
        #expect(SeedDatabase.date("2019-03-04 05:06:07")?.timeIntervalSince1970 == 1_551_675_967)
        #expect(SeedDatabase.date("yesterday") == nil)
    }
}
