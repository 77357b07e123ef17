import BookModel
import Foundation
import JWTKit

/// The claims simplejwt puts in its tokens: `token_type`, `exp`, `iat`, `jti`, `user_id`.
public struct LocalTokenClaims: JWTPayload, Equatable {
    public var token_type: String
    public var exp: Int
    public var iat: Int
    public var jti: String
    public var user_id: Int
    /// The sign-in the token descends from (the first refresh token's `jti`); absent in old tokens.
    public var fam: String?
    /// The account's token key (`User.tokenKey`); absent in tokens of accounts that have none.
    public var key: String?

    public func verify(using algorithm: some JWTAlgorithm) throws {
        guard exp > Int(Date().timeIntervalSince1970) else {
            throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "expired")
        }
    }

    public var expiresAt: Date { Date(timeIntervalSince1970: TimeInterval(exp)) }
}

/// Signs and checks our own HS256 tokens, as simplejwt does.
public struct LocalTokens: Sendable {
    public enum Kind: String, Sendable { case access, refresh }

    let keys: JWTKeyCollection
    let accessLifetime: Int
    let refreshLifetime: Int

    public init(secret: String, accessLifetime: Int, refreshLifetime: Int) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
        self.accessLifetime = accessLifetime
        self.refreshLifetime = refreshLifetime
    }

    public func make(
        _ kind: Kind, userID: Int, family: String? = nil, key: String? = nil,
        now: Date = Date()
    ) -> LocalTokenClaims {
        let iat = Int(now.timeIntervalSince1970)
        return LocalTokenClaims(
            token_type: kind.rawValue,
            exp: iat + (kind == .access ? accessLifetime : refreshLifetime),
            iat: iat,
            jti: UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(),
            user_id: userID, fam: family, key: key?.isEmpty == true ? nil : key)
    }

    /// How long a family can outlive its last refresh: the longest a token of it can stay unexpired.
    public var familyLifetime: Int { refreshLifetime + accessLifetime }

    public func sign(_ claims: LocalTokenClaims) async throws -> String {
        try await keys.sign(claims, header: ["typ": "JWT"])
    }

    /// The claims of a well-signed, unexpired token of the given kind, or nil.
    public func verify(_ token: String, as kind: Kind) async -> LocalTokenClaims? {
        guard let claims = try? await keys.verify(token, as: LocalTokenClaims.self),
            claims.token_type == kind.rawValue
        else { return nil }
        return claims
    }

    /// Whether a token is HS256-headed, i.e. one of ours rather than the OIDC provider's.
    public static func isLocal(_ token: String) -> Bool {
        guard let headerPart = token.split(separator: ".").first,
            let data = Base64URL.decode(headerPart),
            let header = try? JSONDecoder().decode([String: String].self, from: data)
        else { return false }
        return header["alg"] == "HS256"
    }
}
