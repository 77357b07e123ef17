import Crypto
import Foundation

/// A PKCE pair (RFC 7636, S256 only: `plain` is refused by our Keycloak client anyway).
public struct PKCE: Sendable, Equatable {
    public let verifier: String
    public var challenge: String { Self.challenge(for: verifier) }
    public let method = "S256"

    /// A fresh verifier of 43 characters from 32 random bytes.
    public init() { verifier = OIDCRandom.token(bytes: 32) }

    /// A given verifier (tests).
    public init(verifier: String) { self.verifier = verifier }

    public static func challenge(for verifier: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Data(verifier.utf8))))
    }
}

/// Unguessable values for `state`, `nonce` and the PKCE verifier.
public enum OIDCRandom {
    public static func token(bytes: Int = 32) -> String {
        var g = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &g) })
    }
}
