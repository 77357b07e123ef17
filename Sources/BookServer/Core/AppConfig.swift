import Foundation
import MariaDBKit
import Vapor

/// Everything the server reads from its environment, read in one place.
///
/// Vapor has already merged `.env` (and `.env.<environment>`) into the process environment by the
/// time this runs. Every variable name the server understands appears as a string literal in this
/// file and nowhere else, so deployment checks can find them all.
public struct AppConfig: Sendable {
    public enum Database: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
        /// `mysql://` or `mariadb://`: MySQL 8 or MariaDB through our driver (MariaDBKit).
        case mysql(MariaDBConfiguration)
    }

    public enum SMTPSecurity: String, Sendable { case starttls, tls, none }

    public struct SMTP: Sendable {
        public var host: String
        public var port: Int
        public var username: String?
        public var password: String?
        public var security: SMTPSecurity
        /// A PEM file of CA certificates to trust for the relay (`SMTP_CA_FILE`) instead of the system's.
        public var caFile: String?
    }

    public struct OIDC: Sendable {
        public var issuer: String
        public var internalURL: String?
        public var clientID: String
        public var audience: String
        public var roleClient: String
        /// Dotted claim paths whose strings are the user's roles (`OIDC_ROLES_CLAIM`, comma-separated).
        public var rolesClaims: [String]
        /// What the sign-in screens call the provider (`OIDC_PROVIDER_NAME`).
        public var providerName: String
        public var scopes: [String]
        /// The shortest time between two JWKS fetches caused by unknown `kid`s, in seconds, so a
        /// flood of made-up key ids cannot hammer the provider.
        public var keyRefetchInterval: Int
    }

    /// The key used when `SECRET_KEY` is unset outside production. Never valid in production.
    public static let developmentSecret = "insecure-development-key-change-me"

    public var database: Database
    public var secretKey: String
    public var publicURL: String
    public var accessTokenLifetime: Int
    public var refreshTokenLifetime: Int
    public var defaultRoles: [String]
    public var smtp: SMTP?
    public var mailFrom: String
    public var mailDir: String
    public var autoMigrate: Bool
    public var oidc: OIDC?
    /// Login failures for one username from one address before `429`.
    public var loginFailureLimit = 5
    /// The window those failures are counted in, in seconds.
    public var loginFailureWindow = 15 * 60
    /// How long an activation or reset link stays valid, in seconds.
    public var oneTimeTokenLifetime: Int
    /// How many reverse proxies in front of us append to `X-Forwarded-For`; 0 ignores the header.
    public var trustedProxyHops = 0
    /// Settings that work but that an operator should hear about at start-up.
    public var warnings: [String] = []
    /// ISBN lookup: the sources in order, each one's deadline, the cache; nil when no source is set.
    public var lookup: ISBNLookup.Settings?
    /// bcrypt's cost for new password hashes (`PASSWORD_HASH_COST`, 4–31; 12 by default).
    public var passwordHashCost = 12
    /// Threads that hash passwords, apart from the event loops (`PASSWORD_HASH_THREADS`; half the cores).
    public var passwordHashThreads = max(1, System.coreCount / 2)
    /// Hashes that may wait for a thread before logins answer 503 (`PASSWORD_HASH_QUEUE`; 8 per thread).
    public var passwordHashQueue = 8 * max(1, System.coreCount / 2)
    /// How long a checked access token's principal is kept (`AUTH_CACHE_MS`, 0–1000; 1000 by
    /// default; 0 turns the cache off): `PrincipalCache`.
    public var authCacheMilliseconds = 1000

    /// Reads the configuration; throws naming the first variable that is missing or wrong.
    public static func load(_ env: [String: String], environment: Environment) throws -> AppConfig {
        func int(_ name: String, _ fallback: Int) throws -> Int {
            guard let raw = env[name], !raw.isEmpty else { return fallback }
            guard let value = Int(raw), value > 0 else {
                throw ConfigError(variable: name, problem: "must be a positive whole number of seconds, got \"\(raw)\"")
            }
            return value
        }
        func string(_ name: String) -> String? {
            guard let raw = env[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }

        let secret = string("SECRET_KEY") ?? developmentSecret
        if environment == .production, secret == developmentSecret {
            throw ConfigError(variable: "SECRET_KEY", problem: "is required in production (set a long random value)")
        }
        if environment == .production, let why = placeholderProblem(secret) {
            throw ConfigError(variable: "SECRET_KEY", problem: "\(why); set a long random value (openssl rand -hex 32)")
        }
        // HS256 wants a key at least as long as its hash (32 bytes); shorter ones are guessable.
        if secret.utf8.count < 32 {
            throw ConfigError(variable: "SECRET_KEY", problem: "must be at least 32 characters (got \(secret.utf8.count))")
        }

        let database: Database
        switch string("DATABASE_URL") {
        case nil:
            database = .sqlite(path: "data/book-server.sqlite")
        case let url? where url.hasPrefix("sqlite:"):
            var path = String(url.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw ConfigError(variable: "DATABASE_URL", problem: "names no SQLite file") }
            database = .sqlite(path: path)
        case let url? where url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"):
            database = .postgres(url: url)
        case let url? where MariaDBConfiguration.schemes.contains { url.lowercased().hasPrefix("\($0)://") }:
            // The URL holds the database password: the message says what is wrong, never the value.
            do {
                database = .mysql(try MariaDBConfiguration(url: url))
            } catch let error as MariaDBConfiguration.BadURL {
                throw ConfigError(variable: "DATABASE_URL", problem: error.description)
            }
        case let url?:
            throw ConfigError(
                variable: "DATABASE_URL",
                problem: "must start with sqlite:, postgres:// or mysql:// (got scheme of \"\(url.prefix(12))…\")"
            )
        }

        var smtp: SMTP?
        if let host = string("SMTP_HOST") {
            let securityRaw = string("SMTP_SECURITY") ?? "starttls"
            guard let security = SMTPSecurity(rawValue: securityRaw.lowercased()) else {
                throw ConfigError(variable: "SMTP_SECURITY", problem: "must be starttls, tls or none")
            }
            let defaultPort = security == .tls ? 465 : 587
            smtp = SMTP(
                host: host, port: try int("SMTP_PORT", defaultPort),
                username: string("SMTP_USERNAME"), password: string("SMTP_PASSWORD"),
                security: security, caFile: string("SMTP_CA_FILE"))
        }

        var oidc: OIDC?
        if let issuer = string("OIDC_ISSUER") {
            let audience = string("OIDC_AUDIENCE") ?? "book-server"
            let roleClient = string("OIDC_ROLE_CLIENT") ?? audience
            let rolesClaims = (string("OIDC_ROLES_CLAIM") ?? "realm_access.roles,resource_access.\(roleClient).roles")
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let bad = rolesClaims.first(where: { $0.hasPrefix(".") || $0.hasSuffix(".") || $0.contains("..") }) {
                throw ConfigError(
                    variable: "OIDC_ROLES_CLAIM",
                    problem: "has an empty step in \"\(bad)\" (use names joined by dots, e.g. realm_access.roles)")
            }
            let trimmedIssuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
            oidc = OIDC(
                issuer: trimmedIssuer,
                internalURL: string("OIDC_INTERNAL_URL"),
                clientID: string("OIDC_CLIENT_ID") ?? "booktui",
                audience: audience,
                roleClient: roleClient,
                rolesClaims: rolesClaims,
                providerName: string("OIDC_PROVIDER_NAME") ?? OIDC.derivedProviderName(issuer: trimmedIssuer),
                scopes: ["openid", "profile", "email"],
                keyRefetchInterval: try int("OIDC_JWKS_REFETCH_INTERVAL", 10))
        }

        let hopsRaw = string("TRUSTED_PROXY_HOPS") ?? "0"
        guard let hops = Int(hopsRaw), hops >= 0 else {
            throw ConfigError(
                variable: "TRUSTED_PROXY_HOPS", problem: "must be 0 or the number of proxies in front, got \"\(hopsRaw)\"")
        }

        var lookup: ISBNLookup.Settings?
        let sources: [LookupSource]
        switch LookupSource.parseList(env["ISBN_SOURCES"] ?? "openlibrary") {
        case .success(let list): sources = list
        case .failure(let error): throw ConfigError(variable: "ISBN_SOURCES", problem: error.description)
        }
        // The lookup settings are checked even with no source, so a typo shows the day it is made.
        do {
            let timeoutRaw = string("LOOKUP_TIMEOUT") ?? "4"
            guard let timeout = Double(timeoutRaw), timeout > 0, timeout <= 120 else {
                throw ConfigError(
                    variable: "LOOKUP_TIMEOUT",
                    problem: "must be a number of seconds above 0 and up to 120, got \"\(timeoutRaw)\"")
            }
            var openLibraryURL = string("OPENLIBRARY_URL") ?? "https://openlibrary.org"
            while openLibraryURL.hasSuffix("/") { openLibraryURL.removeLast() }
            guard let parsed = URL(string: openLibraryURL), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                parsed.host?.isEmpty == false
            else {
                throw ConfigError(variable: "OPENLIBRARY_URL", problem: "must be an http(s) URL, got \"\(openLibraryURL)\"")
            }
            let daysRaw = string("LOOKUP_CACHE_DAYS") ?? "30"
            guard let cacheDays = Int(daysRaw), cacheDays >= 0 else {
                throw ConfigError(
                    variable: "LOOKUP_CACHE_DAYS",
                    problem: "must be a whole number of days (0 turns the cache off), got \"\(daysRaw)\"")
            }
            if !sources.isEmpty {
                lookup = ISBNLookup.Settings(
                    sources: sources, timeout: timeout, cacheDays: cacheDays, openLibraryURL: openLibraryURL)
            }
        }

        let publicURL = string("PUBLIC_URL") ?? "http://127.0.0.1:8000"
        var config = AppConfig(
            database: database,
            secretKey: secret,
            publicURL: publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL,
            accessTokenLifetime: try int("ACCESS_TOKEN_LIFETIME", 300),
            refreshTokenLifetime: try int("REFRESH_TOKEN_LIFETIME", 86400),
            // Set but empty means "no roles": every new user must be granted one.
            defaultRoles: (env["DEFAULT_ROLES"] ?? "librarian")
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            smtp: smtp,
            mailFrom: string("MAIL_FROM") ?? "Books <no-reply@localhost>",
            mailDir: string("MAIL_DIR") ?? "data/mail",
            autoMigrate: (string("AUTO_MIGRATE") ?? "true").lowercased() != "false",
            oidc: oidc,
            oneTimeTokenLifetime: try int("ONE_TIME_TOKEN_LIFETIME", 3 * 86400))
        config.trustedProxyHops = hops
        if secret == developmentSecret {
            config.warnings.append(
                "SECRET_KEY is not set: tokens are signed with the published development key, "
                    + "so anyone can forge them; never expose this server (production refuses to start so)")
        }
        config.lookup = lookup
        let costRaw = string("PASSWORD_HASH_COST") ?? "12"
        guard let cost = Int(costRaw), (4...31).contains(cost) else {
            throw ConfigError(variable: "PASSWORD_HASH_COST", problem: "must be a bcrypt cost from 4 to 31, got \"\(costRaw)\"")
        }
        config.passwordHashCost = cost
        let threadsRaw = string("PASSWORD_HASH_THREADS") ?? String(config.passwordHashThreads)
        guard let threads = Int(threadsRaw), threads >= 1 else {
            throw ConfigError(
                variable: "PASSWORD_HASH_THREADS", problem: "must be a whole number of threads, at least 1, got \"\(threadsRaw)\""
            )
        }
        config.passwordHashThreads = threads
        let queueRaw = string("PASSWORD_HASH_QUEUE") ?? String(8 * threads)
        guard let queue = Int(queueRaw), queue >= 0 else {
            throw ConfigError(
                variable: "PASSWORD_HASH_QUEUE",
                problem: "must be a whole number of waiting hashes (0 or more), got \"\(queueRaw)\"")
        }
        config.passwordHashQueue = queue
        let cacheRaw = string("AUTH_CACHE_MS") ?? "1000"
        guard let cacheMilliseconds = Int(cacheRaw), (0...1000).contains(cacheMilliseconds) else {
            throw ConfigError(
                variable: "AUTH_CACHE_MS", problem: "must be milliseconds from 0 (off) to 1000, got \"\(cacheRaw)\"")
        }
        config.authCacheMilliseconds = cacheMilliseconds
        return config
    }

    /// Why a secret looks like a placeholder rather than a random key, or nil when it does not.
    static func placeholderProblem(_ secret: String) -> String? {
        let folded = secret.lowercased().filter { $0.isLetter || $0.isNumber }
        if folded.hasPrefix("changeme") || folded.hasPrefix("changethis") {
            return "looks like a placeholder (it starts with \"change me\")"
        }
        if Set(secret).count == 1 {
            return "is one character repeated"
        }
        if secret.lowercased().contains(developmentSecret) {
            return "is the published development key with something added"
        }
        return nil
    }
}

/// A configuration problem, always naming the variable so an operator can fix it.
public struct ConfigError: Error, CustomStringConvertible {
    public var variable: String
    public var problem: String
    public var description: String { "Configuration error: \(variable) \(problem)." }
}

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = AppConfig }

    /// The configuration this application was configured with.
    public var config: AppConfig {
        get {
            guard let config = storage[ConfigKey.self] else { fatalError("configure(_:) has not run") }
            return config
        }
        set { storage[ConfigKey.self] = newValue }
    }
}
