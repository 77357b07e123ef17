import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import MariaDBKit
import Vapor

/// Sets the application up, in one order: configuration → middleware → database → migrations →
/// services → commands → routes.
public func configure(_ app: Application) async throws {
    // A ConfigError goes up to BookServerMain, which prints it once and exits with status 1.
    let config = try AppConfig.load(ProcessInfo.processInfo.environment, environment: app.environment)
    app.config = config

    // middleware
    app.middleware = .init()
    app.middleware.use(RequestLogMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(APIErrorMiddleware())
    app.middleware.use(AuthCacheInvalidation())
    app.routes.defaultMaxBodySize = "1mb"
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    ContentConfiguration.global.use(encoder: encoder, for: .json)

    // database
    switch config.database {
    case .sqlite(let path):
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !ServeLifecycle.isHelp(app) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        app.databases.use(.sqlite(.file(path), sqlLogLevel: .debug), as: .sqlite)
        // Opening the file would create it: `--help` touches nothing.
        if !ServeLifecycle.isHelp(app) {
            try await SQLiteTuning.apply(app)
            await app.useDirectSQLite(path: path)
        }
    case .postgres(let url):
        // The URL holds the database password: the error names the variable, never the value.
        guard let postgres = try? DatabaseConfigurationFactory.postgres(url: url, sqlLogLevel: .debug) else {
            throw ConfigError(variable: "DATABASE_URL", problem: "is not a valid postgres:// URL")
        }
        app.databases.use(postgres, as: .psql)
    case .mysql(let mysql):
        app.databases.use(.mariadb(mysql, sqlLogLevel: .debug), as: .mysql)
    }
    // Only once every setting is known good, so a configuration error stays one line.
    if !ServeLifecycle.isHelp(app) {
        for warning in config.warnings { app.logger.warning("\(warning)") }
    }

    // migrations, append-only: a fix is a new migration
    app.migrations.add(CreateUser())
    app.migrations.add(CreateBook())
    app.migrations.add(CreateUserRole())
    app.migrations.add(CreateTokenTables())
    app.migrations.add(CreateLoginFailure())
    app.migrations.add(CreateOutboxMessage())
    app.migrations.add(CreateRevokedSession())
    app.migrations.add(AddBookOrderingIndexes())
    app.migrations.add(AddAccountSecurity())
    app.migrations.add(SQLiteKeepUserIDs())
    app.migrations.add(UniqueLocalEmail())
    app.migrations.add(CreateISBNLookup())
    app.migrations.add(RefoldSearchText())
    app.migrations.add(AddUserBookCount())
    app.migrations.add(AddSearchTrigramIndex())
    app.migrations.add(AddSQLiteSearchIndex())
    app.migrations.add(AddBookVersion())

    // services
    app.passwords.use(.bcrypt(cost: config.passwordHashCost))
    app.dummyPasswordHash = try app.password.hash(UUID().uuidString)
    await app.usePasswordHasher(
        PasswordHasherPool(
            hasher: app.password.sync, threads: config.passwordHashThreads, queue: config.passwordHashQueue))
    app.localTokens = await LocalTokens(
        secret: config.secretKey, accessLifetime: config.accessTokenLifetime, refreshLifetime: config.refreshTokenLifetime)
    app.oneTimeTokens = OneTimeTokens(secret: config.secretKey, lifetime: config.oneTimeTokenLifetime)
    app.pageBookmarks = PageBookmarks()
    app.principalCache = PrincipalCache(lifetime: .milliseconds(Int64(config.authCacheMilliseconds)))
    let transport: any MailTransport =
        if let smtp = config.smtp {
            SMTPTransport(settings: smtp, caFile: smtp.caFile, group: app.eventLoopGroup)
        } else {
            FileMailbox(directory: config.mailDir)
        }
    app.mailer = Mailer(transport: transport, from: config.mailFrom, logger: app.logger)
    if let lookup = config.lookup {
        await app.useISBNLookup(ISBNLookup(settings: lookup, logger: app.logger))
    }
    if let oidc = config.oidc {
        app.oidc = OIDCService(config: oidc, effects: .live(client: app.client), logger: app.logger)
    }

    // commands
    app.asyncCommands.use(RolesCommand(), as: "roles")
    app.asyncCommands.use(ImportDjangoCommand(), as: "import-django")
    app.lifecycle.use(ServeLifecycle())

    // routes
    try routes(app)
}

/// What only a serving process does: migrate unless told not to, and run the mail worker.
struct ServeLifecycle: LifecycleHandler {
    func willBootAsync(_ app: Application) async throws {
        guard Self.isServing(app) else { return }
        if app.config.autoMigrate { try await app.autoMigrate() }
    }

    func didBootAsync(_ app: Application) async throws {
        guard Self.isServing(app) else { return }
        if case .sqlite(let path) = app.config.database {
            app.logger.notice("database: SQLite at \(path)")
        }
        if case .mysql(let mysql) = app.config.database {
            // Where, never the password.
            app.logger.notice("database: MySQL/MariaDB at \(mysql.safeDescription)\(mysql.requireTLS ? " over TLS" : "")")
        }
        if app.config.smtp == nil {
            app.logger.notice("mail: no SMTP_HOST, so mail is written to the local mailbox \(app.config.mailDir)")
        }
        let mailer = app.mailer
        let task = Task { await mailer.run(db: { app.db }) }
        app.storage[MailTaskKey.self] = task
        if let oidc = app.oidc {
            app.logger.notice("OIDC: accepting tokens of \(oidc.config.issuer) for audience \(oidc.config.audience)")
            app.storage[OIDCPrefetchKey.self] = Task { await oidc.keys.prefetch() }
        }
    }

    func shutdownAsync(_ app: Application) async {
        app.storage[MailTaskKey.self]?.cancel()
        app.storage[OIDCPrefetchKey.self]?.cancel()
    }

    struct MailTaskKey: StorageKey { typealias Value = Task<Void, Never> }
    struct OIDCPrefetchKey: StorageKey { typealias Value = Task<Void, Never> }

    /// Vapor runs `serve` when no command is named. Asking for help is not serving.
    static func isServing(_ app: Application) -> Bool {
        let command = app.environment.arguments.dropFirst().first { !$0.hasPrefix("-") }
        return (command == nil || command == "serve") && !isHelp(app)
    }

    /// `--help` / `-h` anywhere: print the usage and touch nothing (no folder, no database).
    static func isHelp(_ app: Application) -> Bool {
        app.environment.arguments.dropFirst().contains { $0 == "--help" || $0 == "-h" }
    }
}
