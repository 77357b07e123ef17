import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The tokens of one server, as stored on disk.
public struct StoredSession: Codable, Sendable, Equatable {
    public var access: String
    public var refresh: String
    public var username: String?
    public var savedAt: Date
    /// Set when the tokens are the OpenID provider's (single sign-on), nil for a local account.
    public var oidc: OIDCSessionInfo?
    /// When the refresh token ends, if the provider said (its refresh tokens are opaque).
    public var refreshExpiresAt: Date?

    public init(
        access: String, refresh: String, username: String?, savedAt: Date = Date(),
        oidc: OIDCSessionInfo? = nil, refreshExpiresAt: Date? = nil
    ) {
        self.access = access; self.refresh = refresh; self.username = username; self.savedAt = savedAt
        self.oidc = oidc; self.refreshExpiresAt = refreshExpiresAt
    }
}

/// What a single sign-on session needs beyond its tokens: where to refresh and how to sign out.
public struct OIDCSessionInfo: Codable, Sendable, Equatable {
    public var issuer: String
    public var clientId: String
    /// Kept for the RP-initiated logout URL (`id_token_hint`); never shown.
    public var idToken: String?
    /// How the user signed in: `loopback`, `device` or `paste`.
    public var flow: String
    /// What the server called the provider at sign-in (`provider_name`); nil in older token files.
    public var providerName: String?

    public init(issuer: String, clientId: String, idToken: String?, flow: String, providerName: String? = nil) {
        self.issuer = issuer; self.clientId = clientId; self.idToken = idToken; self.flow = flow
        self.providerName = providerName
    }

    /// The provider's name for screens: as the server named it, else guessed from the issuer.
    public var displayName: String {
        if let providerName, !providerName.isEmpty { return providerName }
        return OIDCAdvert(issuer: issuer, clientId: clientId).name
    }
}

/// Why the token store refused to work.
public enum TokenStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case insecure(path: String, mode: Int)
    case wrongOwner(path: String)
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .insecure(let path, let mode):
            let want = isDirectory(path) ? "700" : "600"
            return "Refusing to use \(path): its permissions are \(String(mode, radix: 8)), so group or others "
                + "can read it. Fix it with: chmod \(want) \(path)"
        case .wrongOwner(let path):
            return "Refusing to use \(path): it belongs to another user."
        case .io(let path, let message):
            return "Cannot use \(path): \(message)"
        }
    }
}

private func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}

/// booktui's tokens in its private folder (`PrivateFolder`, `$XDG_CONFIG_HOME/booktui/`, default
/// `~/.config/booktui/`): `tokens.json` with the tokens of each server and `config.json` with the
/// last server used, both 0600 in a 0700 folder; anything looser or owned by someone else is
/// refused, never silently fixed, so a leak is noticed.
public struct TokenStore: Sendable {
    public let folder: PrivateFolder
    public var directory: String { folder.path }

    public init(directory: String) { self.folder = PrivateFolder(path: directory) }

    /// The folder from the environment (`XDG_CONFIG_HOME`, else `HOME/.config`).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let x = environment["XDG_CONFIG_HOME"], x.hasPrefix("/") { return x + "/booktui" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.config/booktui"
    }

    static let tokensFile = "tokens.json"
    static let configFile = "config.json"
    public var tokensPath: String { folder.path(of: Self.tokensFile) }
    public var configPath: String { folder.path(of: Self.configFile) }

    /// Checks the folder and the files that exist; throws if any is open to others.
    public func checkPermissions() throws {
        try folder.checkPermissions(files: [Self.tokensFile, Self.configFile])
    }

    private func readJSON<T: Decodable>(_ name: String, as: T.Type) throws -> T? {
        try checkPermissions()
        guard let data = try folder.read(name) else { return nil }
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try? d.decode(T.self, from: data)
    }

    private func writeJSON<T: Encodable>(_ value: T, to name: String) throws {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        try folder.save(try e.encode(value), as: name)
    }

    private struct TokensFile: Codable { var servers: [String: StoredSession] = [:] }
    private struct ConfigFile: Codable { var lastServer: String? }

    /// The stored session for a server, or nil.
    public func load(server: String) throws -> StoredSession? {
        try readJSON(Self.tokensFile, as: TokensFile.self)?.servers[ServerAddress.normalized(server)]
    }

    public func save(_ session: StoredSession, server: String) throws {
        var f = try readJSON(Self.tokensFile, as: TokensFile.self) ?? TokensFile()
        f.servers[ServerAddress.normalized(server)] = session
        try writeJSON(f, to: Self.tokensFile)
    }

    /// Forgets a server's tokens. Other servers' tokens stay.
    public func remove(server: String) throws {
        guard var f = try readJSON(Self.tokensFile, as: TokensFile.self) else { return }
        f.servers[ServerAddress.normalized(server)] = nil
        try writeJSON(f, to: Self.tokensFile)
    }

    public func lastServer() -> String? {
        (try? readJSON(Self.configFile, as: ConfigFile.self))??.lastServer
    }

    public func setLastServer(_ server: String) throws {
        try writeJSON(ConfigFile(lastServer: ServerAddress.normalized(server)), to: Self.configFile)
    }

    // MARK: one refresh at a time across processes

    /// Tries once to take the refresh lock (`refresh.lock`, an `flock`); returns its descriptor.
    /// Several booktui on one host share the tokens, and with rotation two refreshes of the same
    /// token would sign one of them out.
    public func tryRefreshLock() throws -> Int32? {
        let fd = try folder.openFile("refresh.lock")
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return fd }
        close(fd)
        return nil
    }

    public func releaseRefreshLock(_ fd: Int32) {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
