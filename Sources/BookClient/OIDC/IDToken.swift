import Crypto
import CryptoExtras
import Foundation

/// Checks an ID token as OpenID Connect Core §3.1.3.7 asks: an RS256 signature by one of the
/// provider's keys (JWKS), `iss`, `aud` holding our client id (and `azp` when there are several
/// audiences), `exp`, and the `nonce` we sent.
///
/// swift-crypto's `_RSA` verifies PKCS#1 v1.5 with SHA-256; Foundation has no RSA on Linux, and
/// JWTKit would bring a second JOSE stack into the client for one check.
public enum IDToken {
    /// The verified claims.
    /// - Parameters:
    ///   - jwks: the provider's key set (the JSON of `jwks_uri`).
    ///   - nonce: the one sent with the authorization request; nil when none was sent (the device
    ///     grant has no nonce parameter).
    ///   - leeway: seconds of clock difference tolerated on `exp`/`iat`.
    /// - Throws: `APIError.sso` saying which check failed.
    public static func verify(
        _ token: String, jwks: Any?, issuer: String, clientId: String, nonce: String?,
        now: Date = Date(), leeway: TimeInterval = 60
    ) throws -> [String: Any] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerData = Base64URL.decode(parts[0]),
            let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
            let payloadData = Base64URL.decode(parts[1]),
            let claims = try? JSONSerialization.jsonObject(with: payloadData) as? [String: Any],
            let signature = Base64URL.decode(parts[2])
        else {
            throw APIError.sso("The ID token is not a JWT.")
        }
        guard header["alg"] as? String == "RS256" else {
            throw APIError.sso("The ID token is signed with \(header["alg"] as? String ?? "nothing"), not RS256: refused.")
        }
        let key = try publicKey(kid: header["kid"] as? String, jwks: jwks)
        let signed = Data((parts[0] + "." + parts[1]).utf8)
        guard
            key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: signed,
                padding: .insecurePKCS1v1_5)
        else {
            throw APIError.sso("The ID token's signature does not match the provider's keys.")
        }
        guard let iss = claims["iss"] as? String, ServerAddress.normalized(iss) == ServerAddress.normalized(issuer) else {
            throw APIError.sso("The ID token comes from another issuer.")
        }
        let audiences: [String] = (claims["aud"] as? [String]) ?? ((claims["aud"] as? String).map { [$0] } ?? [])
        guard audiences.contains(clientId) else { throw APIError.sso("The ID token is not meant for \(clientId).") }
        if audiences.count > 1, let azp = claims["azp"] as? String, azp != clientId {
            throw APIError.sso("The ID token was issued to \(azp), not \(clientId).")
        }
        guard let exp = (claims["exp"] as? NSNumber)?.doubleValue, now.timeIntervalSince1970 < exp + leeway else {
            throw APIError.sso("The ID token has expired.")
        }
        if let nonce {
            guard claims["nonce"] as? String == nonce else {
                throw APIError.sso("The ID token's nonce does not match this sign-in (a replayed answer?).")
            }
        }
        return claims
    }

    static func publicKey(kid: String?, jwks: Any?) throws -> _RSA.Signing.PublicKey {
        guard let keys = (jwks as? [String: Any])?["keys"] as? [[String: Any]] else {
            throw APIError.sso("The provider's key set (JWKS) is not readable.")
        }
        let rsa = keys.filter { $0["kty"] as? String == "RSA" && ($0["use"] as? String ?? "sig") == "sig" }
        let match = kid.map { k in rsa.filter { $0["kid"] as? String == k } } ?? rsa
        guard match.count == 1 || (kid != nil && !match.isEmpty), let jwk = match.first,
            let n = (jwk["n"] as? String).flatMap(Base64URL.decode),
            let e = (jwk["e"] as? String).flatMap(Base64URL.decode)
        else {
            throw APIError.sso("None of the provider's keys signed the ID token (kid \(kid ?? "none")).")
        }
        do { return try _RSA.Signing.PublicKey(n: n, e: e) } catch {
            throw APIError.sso("The provider's key \(kid ?? "") is not a usable RSA key (\(error)).")
        }
    }
}
