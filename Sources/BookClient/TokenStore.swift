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

    public init(access: String, refresh: String, username: String?, savedAt: Date = Date(),
                oidc: OIDCSessionInfo? = nil, refreshExpiresAt: Date? = nil) {
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

/// Files under `$XDG_CONFIG_HOME/booktui/` (default `~/.config/booktui/`): `tokens.json` with the
/// tokens of each server and `config.json` with the last server used. The folder is 0700 and the
/// files 0600; anything looser or owned by someone else is refused, never silently fixed, so a
/// leak is noticed.
public struct TokenStore: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// The folder from the environment (`XDG_CONFIG_HOME`, else `HOME/.config`).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let x = environment["XDG_CONFIG_HOME"], x.hasPrefix("/") { return x + "/booktui" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.config/booktui"
    }

    public var tokensPath: String { directory + "/tokens.json" }
    public var configPath: String { directory + "/config.json" }

    // MARK: permissions

    /// Checks the folder and the files that exist; throws if any is open to others.
    public func checkPermissions() throws {
        try check(directory, mustBeDir: true)
        for p in [tokensPath, configPath] where FileManager.default.fileExists(atPath: p) {
            try check(p, mustBeDir: false)
        }
    }

    private func check(_ path: String, mustBeDir: Bool) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT { return }
            throw TokenStoreError.io(path: path, message: String(cString: strerror(errno)))
        }
        if st.st_uid != getuid() { throw TokenStoreError.wrongOwner(path: path) }
        let mode = Int(st.st_mode & 0o777)
        if mode & 0o077 != 0 { throw TokenStoreError.insecure(path: path, mode: mode) }
    }

    private func ensureDirectory() throws {
        if !FileManager.default.fileExists(atPath: directory) {
            // Parents (like ~/.config) get 0700 too when we are the ones creating them.
            var path = ""
            for part in directory.split(separator: "/") {
                path += "/" + part
                if mkdir(path, 0o700) != 0 && errno != EEXIST {
                    throw TokenStoreError.io(path: path, message: String(cString: strerror(errno)))
                }
            }
        }
        try check(directory, mustBeDir: true)
    }

    // MARK: reading and writing

    private func readJSON<T: Decodable>(_ path: String, as: T.Type) throws -> T? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try checkPermissions()
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenStoreError.io(path: path, message: "cannot read")
        }
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try? d.decode(T.self, from: data)
    }

    /// Writes a new file with mode 0600 beside the old one and renames it over, so a crash never
    /// leaves half a file and the file is never, even briefly, readable by others.
    private func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        try ensureDirectory()
        if FileManager.default.fileExists(atPath: path) { try check(path, mustBeDir: false) }
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try e.encode(value)
        let tmp = path + ".tmp.\(getpid())"
        unlink(tmp)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw TokenStoreError.io(path: tmp, message: String(cString: strerror(errno))) }
        let ok = data.withUnsafeBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { return false }
                off += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw TokenStoreError.io(path: path, message: String(cString: strerror(errno)))
        }
    }

    private struct TokensFile: Codable { var servers: [String: StoredSession] = [:] }
    private struct ConfigFile: Codable { var lastServer: String? }

    /// The stored session for a server, or nil.
    public func load(server: String) throws -> StoredSession? {
        try readJSON(tokensPath, as: TokensFile.self)?.servers[Self.key(server)]
    }

    public func save(_ session: StoredSession, server: String) throws {
        var f = try readJSON(tokensPath, as: TokensFile.self) ?? TokensFile()
        f.servers[Self.key(server)] = session
        try writeJSON(f, to: tokensPath)
    }

    /// Forgets a server's tokens. Other servers' tokens stay.
    public func remove(server: String) throws {
        guard var f = try readJSON(tokensPath, as: TokensFile.self) else { return }
        f.servers[Self.key(server)] = nil
        try writeJSON(f, to: tokensPath)
    }

    public func lastServer() -> String? {
        (try? readJSON(configPath, as: ConfigFile.self))??.lastServer
    }

    public func setLastServer(_ server: String) throws {
        try writeJSON(ConfigFile(lastServer: Self.key(server)), to: configPath)
    }

    // MARK: other private files (drafts)

    /// Writes `data` as a 0600 file in the folder (for drafts of forms being typed).
    public func writePrivate(_ data: Data, name: String) throws {
        try ensureDirectory()
        let path = directory + "/" + name
        if FileManager.default.fileExists(atPath: path) { try check(path, mustBeDir: false) }
        let tmp = path + ".tmp.\(getpid())"
        unlink(tmp)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw TokenStoreError.io(path: tmp, message: String(cString: strerror(errno))) }
        let ok = data.withUnsafeBytes { buf in buf.count == 0 || write(fd, buf.baseAddress!, buf.count) == buf.count }
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw TokenStoreError.io(path: path, message: String(cString: strerror(errno)))
        }
    }

    public func readPrivate(name: String) throws -> Data? {
        let path = directory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try check(directory, mustBeDir: true)
        try check(path, mustBeDir: false)
        return FileManager.default.contents(atPath: path)
    }

    public func removePrivate(name: String) {
        unlink(directory + "/" + name)
    }

    // MARK: one refresh at a time across processes

    /// Tries once to take the refresh lock (`refresh.lock`, an `flock`); returns its descriptor.
    /// Several booktui on one host share the tokens, and with rotation two refreshes of the same
    /// token would sign one of them out.
    public func tryRefreshLock() throws -> Int32? {
        try ensureDirectory()
        let fd = open(directory + "/refresh.lock", O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw TokenStoreError.io(path: directory + "/refresh.lock", message: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return fd }
        close(fd)
        return nil
    }

    public func releaseRefreshLock(_ fd: Int32) {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Servers are keyed without a trailing slash so `http://h/` and `http://h` are one.
    public static func key(_ server: String) -> String {
        var s = server
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }
}
