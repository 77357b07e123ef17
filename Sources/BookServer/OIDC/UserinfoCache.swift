import Foundation
import Logging

/// Profile claims from the provider's userinfo endpoint, for providers (glewlwyd, others) whose
/// access tokens carry no name or e-mail. Cached per subject, so that a user's calls do not each
/// cost a round trip to the provider; a failed fetch is not cached and leaves the token as it is.
public actor UserinfoCache {
    /// How long an answer is used before it is fetched again, in seconds.
    public static let lifetime: TimeInterval = 10 * 60
    /// Past this many subjects the cache starts afresh, so it cannot grow without bound.
    static let capacity = 10_000

    private var entries: [String: (info: [String: JSONValue], fetchedAt: Date)] = [:]

    public init() {}

    /// The userinfo claims for the token's subject: cached, or fetched with the token itself.
    public func info(
        for subject: String, token: String, endpoint: String, effects: OIDCEffects,
        logger: Logger
    ) async -> [String: JSONValue]? {
        let now = effects.now()
        if let hit = entries[subject], now.timeIntervalSince(hit.fetchedAt) < Self.lifetime { return hit.info }
        do {
            let response = try await effects.fetchAuthorized(endpoint, token)
            guard response.status == 200 else {
                logger.warning("OIDC userinfo answered \(response.status)")
                return nil
            }
            let info = try JSONDecoder().decode([String: JSONValue].self, from: response.body)
            guard info["sub"]?.string == subject else {
                logger.warning("OIDC userinfo names another subject; ignored")
                return nil
            }
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[subject] = (info, now)
            return info
        } catch {
            logger.warning("OIDC userinfo failed: \(error)")
            return nil
        }
    }
}
