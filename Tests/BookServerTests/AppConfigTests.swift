import MariaDBKit
import Testing
import Vapor

@testable import BookServer

@Suite struct AppConfigTests {
    @Test func defaultsSuitDevelopment() throws {
        let config = try AppConfig.load([:], environment: .development)
        #expect(config.database == .sqlite(path: "data/book-server.sqlite"))
        #expect(config.accessTokenLifetime == 300 && config.refreshTokenLifetime == 86400)
        #expect(config.defaultRoles == ["librarian"])
        #expect(config.smtp == nil && config.mailDir == "data/mail")
        #expect(config.publicURL == "http://127.0.0.1:8000")
        #expect(config.oidc == nil)
    }

    @Test func productionNeedsARealSecret() {
        #expect(throws: ConfigError.self) { try AppConfig.load([:], environment: .production) }
        #expect(throws: ConfigError.self) { try AppConfig.load(["SECRET_KEY": "short"], environment: .production) }
        #expect(throws: ConfigError.self) { try AppConfig.load(["SECRET_KEY": "short"], environment: .development) }
        #expect(throws: Never.self) {
            try AppConfig.load(["SECRET_KEY": "9f2c41d07b6e8a35c1f0d4e7a2b98c6e5d3f1a0b"], environment: .production)
        }
    }

    @Test(arguments: [
        "changeme-changeme-changeme-changeme", "CHANGE_ME_to_a_long_random_value_please",
        String(repeating: "k", count: 40), AppConfig.developmentSecret + "-prod",
    ])
    func productionRefusesPlaceholderSecrets(secret: String) throws {
        let error = try #require(throws: ConfigError.self) {
            try AppConfig.load(["SECRET_KEY": secret], environment: .production)
        }
        #expect(error.variable == "SECRET_KEY")
        // Development accepts them (a developer's own key), and does not warn about them.
        #expect(try AppConfig.load(["SECRET_KEY": secret], environment: .development).warnings.isEmpty)
    }

    @Test func developmentWarnsAboutThePublishedKey() throws {
        let config = try AppConfig.load([:], environment: .development)
        #expect(config.warnings.count == 1 && config.warnings[0].contains("SECRET_KEY"))
    }

    @Test func brevoStyleSMTP() throws {
        let config = try AppConfig.load(
            [
                "SMTP_HOST": "smtp-relay.brevo.com", "SMTP_USERNAME": "login", "SMTP_PASSWORD": "key",
            ], environment: .development)
        #expect(config.smtp?.port == 587 && config.smtp?.security == .starttls)
    }

    @Test func databaseURLs() throws {
        #expect(
            try AppConfig.load(["DATABASE_URL": "sqlite:/tmp/x.db"], environment: .testing).database == .sqlite(path: "/tmp/x.db")
        )
        #expect(
            try AppConfig.load(["DATABASE_URL": "postgres://u:p@h/db"], environment: .testing).database
                == .postgres(url: "postgres://u:p@h/db"))
        #expect(throws: ConfigError.self) { try AppConfig.load(["DATABASE_URL": "mysql://x"], environment: .testing) }
        var mysql = MariaDBConfiguration(host: "db", port: 3307, user: "books", password: "p@ss/word", database: "books")
        mysql.requireTLS = true
        #expect(
            try AppConfig.load(
                ["DATABASE_URL": "mysql://books:p%40ss%2Fword@db:3307/books?ssl-mode=REQUIRED"], environment: .testing
            )
            .database == .mysql(mysql))
        #expect(
            try AppConfig.load(
                ["DATABASE_URL": "mariadb://books:p%40ss%2Fword@db:3307/books?ssl-mode=REQUIRED"], environment: .testing
            )
            .database == .mysql(mysql))
        // A bad URL is named by its variable, and its password is never in the message.
        do {
            _ = try AppConfig.load(["DATABASE_URL": "mysql://books:hunter2@db/"], environment: .testing)
            Issue.record("a mysql:// URL without a database was accepted")
        } catch let error as ConfigError {
            #expect(error.variable == "DATABASE_URL" && !error.description.contains("hunter2"))
        }
    }

    @Test func passwordHashCostAndTheRelaysCA() throws {
        #expect(try AppConfig.load([:], environment: .testing).passwordHashCost == 12)
        #expect(try AppConfig.load(["PASSWORD_HASH_COST": "4"], environment: .testing).passwordHashCost == 4)
        for bad in ["3", "32", "twelve"] {
            #expect(throws: ConfigError.self) { try AppConfig.load(["PASSWORD_HASH_COST": bad], environment: .testing) }
        }
        let pool = try AppConfig.load(["PASSWORD_HASH_THREADS": "3"], environment: .testing)
        #expect(pool.passwordHashThreads == 3 && pool.passwordHashQueue == 24)
        #expect(try AppConfig.load(["PASSWORD_HASH_QUEUE": "0"], environment: .testing).passwordHashQueue == 0)
        #expect(throws: ConfigError.self) { try AppConfig.load(["PASSWORD_HASH_THREADS": "0"], environment: .testing) }
        let smtp = try AppConfig.load(["SMTP_HOST": "relay.example", "SMTP_CA_FILE": "/etc/relay-ca.pem"], environment: .testing)
            .smtp
        #expect(smtp?.caFile == "/etc/relay-ca.pem")
        #expect(
            try AppConfig.load(["SMTP_HOST": "relay.example", "SMTP_CA_FILE": ""], environment: .testing).smtp?.caFile == nil)
    }

    @Test func authCacheIsAtMostASecond() throws {
        #expect(try AppConfig.load([:], environment: .testing).authCacheMilliseconds == 1000)
        #expect(try AppConfig.load(["AUTH_CACHE_MS": "0"], environment: .testing).authCacheMilliseconds == 0)
        for bad in ["1001", "-1", "soon"] {
            #expect(throws: ConfigError.self) { try AppConfig.load(["AUTH_CACHE_MS": bad], environment: .testing) }
        }
    }

    @Test func trustedProxyHops() throws {
        #expect(try AppConfig.load([:], environment: .testing).trustedProxyHops == 0)
        #expect(try AppConfig.load(["TRUSTED_PROXY_HOPS": "2"], environment: .testing).trustedProxyHops == 2)
        #expect(throws: ConfigError.self) { try AppConfig.load(["TRUSTED_PROXY_HOPS": "-1"], environment: .testing) }
    }

    @Test func oidcDefaults() throws {
        let oidc = try #require(
            try AppConfig.load(["OIDC_ISSUER": "https://sso.example.org/realms/books/"], environment: .testing).oidc)
        #expect(oidc.issuer == "https://sso.example.org/realms/books")
        #expect(oidc.clientID == "booktui" && oidc.audience == "book-server" && oidc.roleClient == "book-server")
    }
}
