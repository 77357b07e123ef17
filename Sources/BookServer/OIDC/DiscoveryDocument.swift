import Foundation

/// The parts of the provider's `/.well-known/openid-configuration` the server uses.
public struct DiscoveryDocument: Codable, Sendable, Equatable {
    public var issuer: String
    public var jwks_uri: String
    public var device_authorization_endpoint: String?
    public var userinfo_endpoint: String?

    public init(
        issuer: String, jwks_uri: String, device_authorization_endpoint: String? = nil,
        userinfo_endpoint: String? = nil
    ) {
        self.issuer = issuer
        self.jwks_uri = jwks_uri
        self.device_authorization_endpoint = device_authorization_endpoint
        self.userinfo_endpoint = userinfo_endpoint
    }

    /// Where the server fetches discovery: below the internal base when there is one, since the
    /// public issuer may not be reachable from inside (a Docker network).
    public static func url(issuer: String, internalURL: String?) -> String {
        let base = internalURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? issuer
        return base + "/.well-known/openid-configuration"
    }

    /// The document with every endpoint that starts with the public issuer moved to the internal
    /// base, the contract in docs/sso.md. The `issuer` itself stays: tokens carry the public one.
    public func rewritten(issuer publicIssuer: String, internalURL: String?) -> DiscoveryDocument {
        guard var internalBase = internalURL else { return self }
        if internalBase.hasSuffix("/") { internalBase.removeLast() }
        func move(_ url: String) -> String {
            guard url.hasPrefix(publicIssuer) else { return url }
            let rest = url.dropFirst(publicIssuer.count)
            // Only whole path segments: "…/realms/books" must not match "…/realms/books2".
            guard rest.isEmpty || rest.hasPrefix("/") else { return url }
            return internalBase + rest
        }
        var copy = self
        copy.jwks_uri = move(jwks_uri)
        copy.device_authorization_endpoint = device_authorization_endpoint.map(move)
        copy.userinfo_endpoint = userinfo_endpoint.map(move)
        return copy
    }
}
