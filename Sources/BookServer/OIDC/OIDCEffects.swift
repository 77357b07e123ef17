import Foundation
import NIOCore
import Vapor

/// What the OpenID Connect code needs from the outside world: HTTP GETs to the provider and the
/// clock. Values, not protocols, so a test passes closures instead of starting a provider.
public struct OIDCEffects: Sendable {
    /// The answer to a GET: status code and body.
    public struct Response: Sendable {
        public var status: UInt
        public var body: Data
        public init(status: UInt, body: Data) {
            self.status = status
            self.body = body
        }
    }

    /// GETs a URL; throws when the provider cannot be reached.
    public var fetch: @Sendable (_ url: String) async throws -> Response
    /// GETs a URL with `Authorization: Bearer <token>` (the userinfo endpoint).
    public var fetchAuthorized: @Sendable (_ url: String, _ token: String) async throws -> Response
    /// The current time.
    public var now: @Sendable () -> Date

    public init(
        fetch: @escaping @Sendable (String) async throws -> Response,
        fetchAuthorized: (@Sendable (String, String) async throws -> Response)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.fetch = fetch
        self.fetchAuthorized = fetchAuthorized ?? { url, _ in try await fetch(url) }
        self.now = now
    }

    /// The real thing: Vapor's HTTP client with a short timeout, so that a provider that hangs
    /// delays a request by seconds, not minutes.
    public static func live(client: any Client, timeout: TimeAmount = .seconds(5)) -> OIDCEffects {
        @Sendable func get(_ url: String, _ headers: HTTPHeaders) async throws -> Response {
            let response = try await client.get(URI(string: url), headers: headers) { $0.timeout = timeout }
            let body = response.body.map { Data($0.readableBytesView) } ?? Data()
            return Response(status: response.status.code, body: body)
        }
        return OIDCEffects(
            fetch: { url in try await get(url, ["Accept": "application/json"]) },
            fetchAuthorized: { url, token in
                try await get(url, ["Accept": "application/json", "Authorization": "Bearer \(token)"])
            })
    }
}
