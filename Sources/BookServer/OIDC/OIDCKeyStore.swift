import Foundation
import JWTKit
import Logging

/// The provider's discovery document and signing keys, fetched when first needed and cached.
///
/// Keys are fetched again when a token names a `kid` we do not know (the provider rotated its key),
/// at most once per `refetchInterval` so that tokens with made-up `kid`s cannot hammer the provider;
/// concurrent requests share one fetch. When the provider is down, the cached keys keep working.
public actor OIDCKeyStore {
    /// Asymmetric algorithms only: `none` and HMAC (an HS256 token "signed" with the public key)
    /// must never reach a key.
    public static let acceptedAlgorithms: Set<String> = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
    ]
    /// After this many seconds the keys are fetched again on next use (kept if that fails), so a
    /// key the provider withdrew stops working even without a rotation we notice.
    public static let maxKeyAge: TimeInterval = 3600

    let issuer: String
    let internalURL: String?
    let refetchInterval: TimeInterval
    let effects: OIDCEffects
    let logger: Logger

    private var document: DiscoveryDocument?
    private var keys = JWTKeyCollection()
    /// kid → the `alg` the JWKS names for it (nil when it names none).
    private var knownKeys: [String: String?] = [:]
    private var keysFetchedAt: Date?
    private var lastFailure: Date?
    private var lastUnknownKidFetch: Date?
    private var inflight: Task<Void, Never>?

    public init(issuer: String, internalURL: String?, refetchInterval: TimeInterval, effects: OIDCEffects, logger: Logger) {
        self.issuer = issuer
        self.internalURL = internalURL
        self.refetchInterval = refetchInterval
        self.effects = effects
        self.logger = logger
    }

    /// The discovery document (endpoints rewritten to the internal address), or nil while the
    /// provider cannot be reached.
    public func discovery() async -> DiscoveryDocument? {
        if document == nil, mayRetry() { await fetch() }
        return document
    }

    /// Fetches discovery and keys ahead of the first token, so that it is not kept waiting and a
    /// misconfiguration shows in the log at start-up. Failing is fine: the next token tries again.
    public func prefetch() async {
        if keysFetchedAt == nil, mayRetry() { await fetch() }
    }

    /// Checks the header and signature of `token` and decodes its claims; the claims themselves
    /// are the caller's to check.
    public func verify<Payload: JWTPayload>(_ token: String, as _: Payload.Type) async throws(OIDCRejection) -> Payload {
        guard let header = JOSEHeader.parse(token) else { throw OIDCRejection("Token is malformed") }
        guard let alg = header.alg, Self.acceptedAlgorithms.contains(alg) else {
            throw OIDCRejection("Token algorithm is not accepted")
        }
        let stale = keysFetchedAt.map { effects.now().timeIntervalSince($0) > Self.maxKeyAge } ?? true
        var fetched = false
        if stale, mayRetry() {
            await fetch()
            fetched = true
        }
        if let kid = header.kid, knownKeys[kid] == nil, !fetched {
            if let inflight {
                // Another request is fetching already (likely for this very kid): wait for it
                // rather than refuse a token of a freshly rotated key.
                await inflight.value
            } else if mayRefetchForUnknownKid() {
                logger.info("OIDC: unknown signing key \(kid); fetching the JWKS again")
                lastUnknownKidFetch = effects.now()
                await fetch()
            }
        }
        // A token without `kid` is fine only while the provider publishes a single key.
        guard let kid = header.kid ?? (knownKeys.count == 1 ? knownKeys.keys.first : nil),
            let keyAlg = knownKeys[kid]
        else {
            throw OIDCRejection("Token signing key is unknown")
        }
        if let keyAlg, keyAlg != alg { throw OIDCRejection("Token algorithm does not match its key") }
        do {
            return try await keys.verify(token, as: Payload.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw OIDCRejection("Token signature is not valid")
        } catch {
            throw OIDCRejection("Token is malformed")
        }
    }

    // MARK: fetching

    private func mayRetry() -> Bool {
        guard let lastFailure else { return true }
        return effects.now().timeIntervalSince(lastFailure) >= refetchInterval
    }

    private func mayRefetchForUnknownKid() -> Bool {
        guard mayRetry() else { return false }
        guard let last = lastUnknownKidFetch else { return true }
        return effects.now().timeIntervalSince(last) >= refetchInterval
    }

    /// One fetch at a time; callers that arrive meanwhile wait for it instead of starting another.
    private func fetch() async {
        if let inflight { return await inflight.value }
        let task = Task { await self.fetchNow() }
        inflight = task
        await task.value
        inflight = nil
    }

    private func fetchNow() async {
        do {
            let doc: DiscoveryDocument
            if let document { doc = document } else { doc = try await fetchDiscovery() }
            document = doc
            let (collection, kids) = try await fetchKeys(doc.jwks_uri)
            keys = collection
            knownKeys = kids
            keysFetchedAt = effects.now()
            lastFailure = nil
        } catch {
            lastFailure = effects.now()
            logger.warning("OIDC: cannot fetch the provider's keys (\(error)); using \(knownKeys.count) cached key(s)")
        }
    }

    private func fetchDiscovery() async throws -> DiscoveryDocument {
        let url = DiscoveryDocument.url(issuer: issuer, internalURL: internalURL)
        let doc = try JSONDecoder().decode(DiscoveryDocument.self, from: try await get(url))
        // The document names the issuer tokens will carry; another one means a misconfiguration
        // that would refuse every token, so say so plainly.
        guard doc.issuer == issuer else {
            throw FetchError("discovery at \(url) names issuer \(doc.issuer), but OIDC_ISSUER is \(issuer)")
        }
        return doc.rewritten(issuer: issuer, internalURL: internalURL)
    }

    private func fetchKeys(_ url: String) async throws -> (JWTKeyCollection, [String: String?]) {
        let collection = JWTKeyCollection()
        var kids: [String: String?] = [:]
        for jwk in try JWKSParser.signingKeys(try await get(url)) {
            guard let kid = jwk.keyIdentifier?.string else { continue }
            do {
                try await collection.add(jwk: jwk)
                kids[kid] = jwk.algorithm?.rawValue
            } catch {
                logger.debug("OIDC: skipping key \(kid): \(error)")
            }
        }
        guard !kids.isEmpty else { throw FetchError("the JWKS at \(url) has no usable signing key") }
        return (collection, kids)
    }

    private func get(_ url: String) async throws -> Data {
        let response = try await effects.fetch(url)
        guard response.status == 200 else { throw FetchError("GET \(url) answered \(response.status)") }
        return response.body
    }

    struct FetchError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
