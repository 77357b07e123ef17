import Foundation
import Logging

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Talks to one server: our `book-server` or a deployment of the seed's backend.
///
/// An actor so that token state has one owner: concurrent calls that meet an expired access
/// token share one refresh instead of racing (with rotation, a second refresh with the old token
/// would be refused and sign the user out).
public actor BookClient {
    /// The server's base URL, without a trailing slash.
    public nonisolated let server: String
    let store: TokenStore?
    let session: URLSession
    let timeout: TimeInterval
    let logger: Logger
    var tokens: StoredSession?
    var refreshTask: Task<StoredSession, Error>?
    /// What the server offers, learned from `/api/auth/config/` and the first answers.
    public nonisolated let capabilities = CapabilitiesCell()
    /// Whether the server has our extensions: nil until known.
    var extended: Bool? { capabilities.current.extensions }
    /// The seed returns every book at once; keep them so paging does not download them again.
    var seedBooks: (fetched: Date, books: [Book])?
    /// The OpenID provider's discovery document, once fetched.
    var providerCache: ProviderMetadata?

    /// - Parameters:
    ///   - server: base URL, e.g. `http://127.0.0.1:8000`.
    ///   - store: where tokens live; nil keeps them in memory only.
    ///   - timeout: seconds for any one request.
    /// - Throws: `TokenStoreError` when the token files are open to others.
    public init(
        server: String, store: TokenStore?, timeout: TimeInterval = 15,
        logger: Logger = Logger(label: "booktui.client")
    ) throws {
        self.server = ServerAddress.normalized(server)
        self.store = store
        self.timeout = timeout
        self.logger = logger
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout * 2
        config.httpAdditionalHeaders = ["User-Agent": "booktui/\(BookClientVersion.version)"]
        self.session = URLSession(configuration: config)
        if let store {
            try store.checkPermissions()
            self.tokens = try store.load(server: self.server)
        }
    }

    /// The stored session (tokens included: callers must never print them).
    public func currentSession() -> StoredSession? { tokens }

    public var isSignedIn: Bool { tokens != nil }

    /// Uses the given tokens (kept only in memory unless there is a store). For tools and tests
    /// that move a session between clients.
    public func adopt(_ session: StoredSession) { tokens = session }

    // MARK: HTTP core

    struct Reply {
        var status: Int
        var data: Data
        var headers: HTTPURLResponse
        var json: Any? { try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) }
    }

    func makeRequest(_ method: String, _ path: String, query: [URLQueryItem], json: Any?, bearer: String?) throws -> URLRequest {
        guard var comps = URLComponents(string: server + path) else { throw APIError.badResponse("bad server URL \(server)") }
        if !query.isEmpty { comps.queryItems = query }
        guard let url = comps.url else { throw APIError.badResponse("bad URL for \(path)") }
        var req = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        req.httpMethod = method
        req.setValue("application/json", forHTTPHeaderField: "Accept")
        if let json {
            req.httpBody = try JSONSerialization.data(withJSONObject: json)
            req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let bearer { req.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        return req
    }

    /// One HTTP exchange, with transport failures turned into `APIError`.
    func exchange(_ req: URLRequest) async throws -> Reply {
        try Task.checkCancellation()
        do {
            let (data, resp) = try await session.data(for: req)
            guard let http = resp as? HTTPURLResponse else { throw APIError.badResponse("not HTTP") }
            logger.debug("\(req.httpMethod ?? "?") \(req.url?.path ?? "") → \(http.statusCode)")
            return Reply(status: http.statusCode, data: data, headers: http)
        } catch let e as APIError {
            throw e
        } catch let e as URLError {
            switch e.code {
            case .timedOut: throw APIError.timeout
            case .cancelled: throw APIError.cancelled
            case .cannotConnectToHost: throw APIError.unreachable("connection refused")
            case .cannotFindHost, .dnsLookupFailed: throw APIError.unreachable("unknown host \(req.url?.host ?? "")")
            case .networkConnectionLost: throw APIError.unreachable("connection lost")
            case .notConnectedToInternet: throw APIError.unreachable("no network")
            case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
                .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
                throw APIError.unreachable("TLS failed: \(e.localizedDescription)")
            default: throw APIError.unreachable(e.localizedDescription)
            }
        } catch is CancellationError {
            throw APIError.cancelled
        } catch {
            if Task.isCancelled { throw APIError.cancelled }
            throw APIError.unreachable(String(describing: error))
        }
    }

    /// A call without credentials.
    func call(_ method: String, _ path: String, query: [URLQueryItem] = [], json: Any? = nil) async throws -> Reply {
        try await exchange(makeRequest(method, path, query: query, json: json, bearer: nil))
    }

    /// A call with the access token; on 401 refreshes once and tries again.
    func authed(_ method: String, _ path: String, query: [URLQueryItem] = [], json: Any? = nil) async throws -> Reply {
        guard let t = tokens else { throw APIError.signedOut }
        let first = try await exchange(makeRequest(method, path, query: query, json: json, bearer: t.access))
        guard first.status == 401 else { return first }
        let fresh = try await refreshed(after: t.access)
        let second = try await exchange(makeRequest(method, path, query: query, json: json, bearer: fresh.access))
        guard second.status == 401 else { return second }
        // The provider gave fresh tokens and the server still refuses them: signing in again
        // would not help, so say why, in the server's words ("User is inactive", "audience …").
        if fresh.oidc != nil, case .unauthorized(let why) = Self.error(from: second), !why.isEmpty {
            throw APIError.unauthorized("The server refused the provider's token: \(why)")
        }
        throw APIError.signedOut
    }

    /// Fresh tokens, refreshing at most once for any number of concurrent callers.
    func refreshed(after failedAccess: String) async throws -> StoredSession {
        if let t = tokens, t.access != failedAccess { return t }
        // Another booktui may have refreshed (and rotated) already: take its tokens.
        if let disk = try? store?.load(server: server), disk.access != failedAccess {
            tokens = disk
            return disk
        }
        if let running = refreshTask { return try await running.value }
        let task = Task { try await self.performRefresh() }
        refreshTask = task
        defer { refreshTask = nil }
        return try await task.value
    }

    func performRefresh() async throws -> StoredSession {
        var lock: Int32?
        if let store {
            // Wait (up to the request timeout) for another booktui's refresh to finish.
            let deadline = Date().addingTimeInterval(timeout)
            while lock == nil {
                lock = try store.tryRefreshLock()
                if lock == nil {
                    if Date() > deadline { throw APIError.timeout }
                    try await Task.sleep(nanoseconds: 20_000_000)
                }
            }
        }
        defer { if let lock { store?.releaseRefreshLock(lock) } }
        // Whoever held the lock may have rotated the tokens already: use theirs.
        if let disk = try? store?.load(server: server), let t = tokens, disk.refresh != t.refresh {
            tokens = disk
            return disk
        }
        guard let t = tokens else { throw APIError.signedOut }
        if let info = t.oidc { return try await refreshWithProvider(t, info) }
        let r = try await call("POST", "/api/token/refresh/", json: ["refresh": t.refresh])
        guard r.status == 200 else {
            if r.status == 401 || r.status == 400 {
                // Refused: the session is over. Never retry in a loop.
                logger.info("refresh refused; signing out locally")
                wipeLocal()
                throw APIError.signedOut
            }
            throw Self.error(from: r)
        }
        guard let o = r.json as? [String: Any], let access = o["access"] as? String else {
            throw APIError.badResponse("refresh answer without access token")
        }
        let rotated = o["refresh"] as? String
        let s = StoredSession(access: access, refresh: rotated ?? t.refresh, username: t.username)
        try persist(s)
        return s
    }

    func persist(_ s: StoredSession) throws {
        tokens = s
        try store?.save(s, server: server)
    }

    func wipeLocal() {
        tokens = nil
        try? store?.remove(server: server)
    }

    /// Turns an error answer into a typed error.
    static func error(from r: Reply) -> APIError {
        let obj = r.json
        let detail = ((obj as? [String: Any])?["detail"] as? String) ?? ""
        switch r.status {
        case 400:
            if let o = obj as? [String: Any] {
                var f: FieldErrors = [:]
                for (k, v) in o {
                    if let a = v as? [String] {
                        f[k] = a
                    } else if let s = v as? String {
                        f[k] = [s]
                    } else if let a = v as? [Any] {
                        f[k] = a.map { "\($0)" }
                    }
                }
                if !f.isEmpty { return .validation(f) }
            }
            return .validation(["detail": [detail.isEmpty ? "Bad request" : detail]])
        case 401: return .unauthorized(unauthorizedReason(obj, detail: detail))
        case 403: return .forbidden(detail)
        case 404: return .notFound(detail)
        case 429:
            let ra = r.headers.value(forHTTPHeaderField: "Retry-After").flatMap { Int($0) }
            return .rateLimited(retryAfter: ra)
        default:
            return .http(status: r.status, message: detail)
        }
    }

    /// A 401's words as the server gave them: `detail`, and the reason in `messages` (which names
    /// what was wrong with a token, e.g. "Token audience is not accepted") when there is one.
    static func unauthorizedReason(_ obj: Any?, detail: String) -> String {
        let messages = ((obj as? [String: Any])?["messages"] as? [[String: Any]]) ?? []
        let reasons = messages.compactMap { $0["message"] as? String }.filter { !$0.isEmpty && $0 != detail }
        return ([detail].filter { !$0.isEmpty } + reasons).joined(separator: ": ")
    }

    static func expect(_ r: Reply, _ codes: Int...) throws {
        if !codes.contains(r.status) { throw error(from: r) }
    }

    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }

    static func decode<T: Decodable>(_ t: T.Type, _ r: Reply) throws -> T {
        do { return try decoder.decode(T.self, from: r.data) } catch { throw APIError.badResponse("\(T.self): \(error)") }
    }
}
