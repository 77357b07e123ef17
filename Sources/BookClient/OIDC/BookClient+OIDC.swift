import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A browser sign-in under way (loopback or paste): the URL to open and what to check on return.
public struct BrowserSignIn: Sendable {
    /// The authorization URL: shown to the user before any browser is started.
    public let url: String
    public let redirectURI: String
    public let flow: SignInFlow
    /// Set for the loopback flow: where the browser comes back.
    public let listener: LoopbackListener?
    let state: String
    let nonce: String
    let pkce: PKCE
    let provider: ProviderMetadata
    let advert: OIDCAdvert

    /// What to do when the provider refuses this sign-in's redirect address: register it, and for
    /// the loopback flow sign in on that same port.
    public var registrationHint: String {
        let register = "Register \(redirectURI) as a redirect URI of client \(advert.clientId) there"
        guard flow == .loopback else { return register + "." }
        let port = URLComponents(string: redirectURI)?.port.map(String.init) ?? "PORT"
        return register + ", and sign in with that fixed port: booktui login --sso --port \(port)."
    }
}

/// A device authorization (RFC 8628) under way.
public struct DeviceGrant: Sendable {
    public let userCode: String
    public let verificationURI: String
    /// The URL with the code in it, when the provider gives one (Keycloak does).
    public let verificationURIComplete: String?
    public let expiresAt: Date
    /// Seconds between polls; grows by 5 at each `slow_down`.
    public internal(set) var interval: TimeInterval
    let deviceCode: String
    let pkce: PKCE
    let provider: ProviderMetadata
    let advert: OIDCAdvert

    /// The best URL to show: the complete one if any.
    public var url: String { verificationURIComplete ?? verificationURI }
}

/// The path used by the paste flow: nothing listens there; the user copies the address.
let pasteRedirectURI = "http://127.0.0.1/booktui-callback"

extension BookClient {
    // MARK: discovery

    /// The server's advertised provider, or an error saying single sign-on is not offered.
    public func ssoAdvert() async throws -> OIDCAdvert {
        guard let advert = try await authConfig().oidc else {
            throw APIError.sso("\(server) does not offer single sign-on.")
        }
        return advert
    }

    func discover(_ issuer: String) async throws -> ProviderMetadata {
        if let cached = providerCache, ServerAddress.normalized(cached.issuer) == ServerAddress.normalized(issuer) {
            return cached
        }
        let r = try await absolute("GET", ProviderMetadata.discoveryURL(issuer: issuer))
        guard r.status == 200 else { throw APIError.sso("The provider's discovery document answered \(r.status).") }
        let m = try ProviderMetadata(json: r.json, expectedIssuer: issuer)
        providerCache = m
        return m
    }

    /// A request to an absolute URL (the provider), optionally form-encoded.
    func absolute(_ method: String, _ url: String, form: [String: String]? = nil, bearer: String? = nil) async throws -> Reply {
        guard let u = URL(string: url) else { throw APIError.sso("Bad provider URL \(url)") }
        var req = URLRequest(url: u, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        req.httpMethod = method
        req.setValue("application/json", forHTTPHeaderField: "Accept")
        if let form {
            req.httpBody = Data(Self.formEncode(form).utf8)
            req.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        if let bearer { req.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        return try await exchange(req)
    }

    /// `application/x-www-form-urlencoded`, every byte but RFC 3986's unreserved ones escaped (so
    /// `+`, `&` and `=` inside a value stay data).
    static func formEncode(_ form: [String: String]) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        func enc(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s }
        return form.keys.sorted().map { enc($0) + "=" + enc(form[$0] ?? "") }.joined(separator: "&")
    }

    static func oauthError(_ r: Reply) -> (code: String, description: String) {
        let o = r.json as? [String: Any]
        return (o?["error"] as? String ?? "HTTP \(r.status)", o?["error_description"] as? String ?? "")
    }

    // MARK: authorization code + PKCE (loopback and paste)

    /// Prepares a browser sign-in: discovery, PKCE, state, nonce, and for `.loopback` a listener
    /// on `port` (nil: a free one). Nothing is opened: the caller shows the URL first.
    public func startBrowserSignIn(flow: SignInFlow, port: UInt16? = nil) async throws -> BrowserSignIn {
        precondition(flow != .device)
        let advert = try await ssoAdvert()
        let provider = try await discover(advert.issuer)
        let listener = flow == .loopback ? try LoopbackListener(port: port ?? 0) : nil
        let redirect = listener?.redirectURI ?? pasteRedirectURI
        let pkce = PKCE(), state = OIDCRandom.token(), nonce = OIDCRandom.token()
        guard var c = URLComponents(string: provider.authorizationEndpoint) else {
            throw APIError.sso("Bad authorization endpoint")
        }
        let existing = c.queryItems ?? []
        c.queryItems =
            existing + [
                URLQueryItem(name: "response_type", value: "code"),
                URLQueryItem(name: "client_id", value: advert.clientId),
                URLQueryItem(name: "redirect_uri", value: redirect),
                URLQueryItem(name: "scope", value: advert.scopes.joined(separator: " ")),
                URLQueryItem(name: "state", value: state),
                URLQueryItem(name: "nonce", value: nonce),
                URLQueryItem(name: "code_challenge", value: pkce.challenge),
                URLQueryItem(name: "code_challenge_method", value: pkce.method),
            ]
        guard let url = c.url?.absoluteString else { throw APIError.sso("Bad authorization endpoint") }
        let signIn = BrowserSignIn(
            url: url, redirectURI: redirect, flow: flow, listener: listener, state: state,
            nonce: nonce, pkce: pkce, provider: provider, advert: advert)
        if let refusal = await AuthorizationPreflight.check(url, timeout: timeout) {
            listener?.close()
            throw APIError.sso(
                "\(advert.name) refused this sign-in request (HTTP \(refusal.status)"
                    + (refusal.message.isEmpty ? ")." : ": \(refusal.message)).") + " " + signIn.registrationHint)
        }
        return signIn
    }

    /// Waits for the browser to come back to the loopback listener, then redeems the code.
    /// Cancelling the task stops the wait.
    public func finishLoopback(_ s: BrowserSignIn, timeout: TimeInterval = 180) async throws -> Profile {
        guard let listener = s.listener else { throw APIError.sso("not a loopback sign-in") }
        defer { listener.close() }
        let state = s.state
        let target: String = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (k: CheckedContinuation<String, Error>) in
                Thread.detachNewThread {
                    do {
                        let t = try listener.waitForCallback(timeout: timeout) { target in
                            do {
                                _ = try CallbackURL.code(from: target, expectedState: state)
                                return (
                                    200,
                                    "<h1>Signed in to booktui</h1><p>You can close this tab and go back to the terminal.</p>",
                                    true
                                )
                            } catch {
                                // Only an answer to this sign-in (its state) ends the wait.
                                let ours = target.contains("state=" + state)
                                return (
                                    400,
                                    "<h1>Sign-in failed</h1><p>\(htmlEscape(String(describing: error)))</p>"
                                        + "<p>You can close this tab; booktui says what to do next.</p>", ours
                                )
                            }
                        }
                        k.resume(returning: t)
                    } catch { k.resume(throwing: error) }
                }
            }
        } onCancel: {
            listener.cancel()
        }
        let code = try CallbackURL.code(from: target, expectedState: s.state)
        return try await redeemCode(code, s)
    }

    /// Finishes a paste sign-in with the address the user pasted back.
    public func finishPaste(_ s: BrowserSignIn, pasted: String) async throws -> Profile {
        let code = try CallbackURL.code(from: pasted, expectedState: s.state)
        return try await redeemCode(code, s)
    }

    func redeemCode(_ code: String, _ s: BrowserSignIn) async throws -> Profile {
        let r = try await absolute(
            "POST", s.provider.tokenEndpoint,
            form: [
                "grant_type": "authorization_code", "code": code, "redirect_uri": s.redirectURI,
                "client_id": s.advert.clientId, "code_verifier": s.pkce.verifier,
            ])
        guard r.status == 200 else {
            let e = Self.oauthError(r)
            throw APIError.sso("The provider refused the code (\(e.code)\(e.description.isEmpty ? "" : ": " + e.description)).")
        }
        return try await adoptProviderTokens(r, provider: s.provider, advert: s.advert, nonce: s.nonce, flow: s.flow)
    }

    // MARK: device authorization grant (RFC 8628)

    /// Asks the provider for a device code (with PKCE, as our Keycloak client requires).
    public func startDeviceSignIn() async throws -> DeviceGrant {
        let advert = try await ssoAdvert()
        let provider = try await discover(advert.issuer)
        guard let endpoint = provider.deviceAuthorizationEndpoint else {
            throw APIError.sso("The provider does not offer sign-in with a code on another device; use --browser or --paste.")
        }
        let pkce = PKCE()
        let r = try await absolute(
            "POST", endpoint,
            form: [
                "client_id": advert.clientId, "scope": advert.scopes.joined(separator: " "),
                "code_challenge": pkce.challenge, "code_challenge_method": pkce.method,
            ])
        guard r.status == 200, let o = r.json as? [String: Any], let device = o["device_code"] as? String,
            let user = o["user_code"] as? String, let uri = o["verification_uri"] as? String
        else {
            let e = Self.oauthError(r)
            throw APIError.sso(
                "The provider refused a device code (\(e.code)\(e.description.isEmpty ? "" : ": " + e.description)).")
        }
        let expires = (o["expires_in"] as? NSNumber)?.doubleValue ?? 600
        let interval = (o["interval"] as? NSNumber)?.doubleValue ?? 5
        return DeviceGrant(
            userCode: user, verificationURI: uri, verificationURIComplete: o["verification_uri_complete"] as? String,
            expiresAt: Date().addingTimeInterval(expires), interval: max(1, interval), deviceCode: device,
            pkce: pkce, provider: provider, advert: advert)
    }

    /// Polls the token endpoint at the grant's interval until the user approves, denies, or the
    /// code expires. Cancelling the task stops it.
    /// - Parameter onSlowDown: told the new interval when the provider asks to slow down.
    public func finishDevice(_ g: DeviceGrant, onSlowDown: @Sendable (TimeInterval) -> Void = { _ in }) async throws -> Profile {
        var interval = g.interval
        while true {
            try await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
            if Date() > g.expiresAt {
                throw APIError.sso("The code expired before it was approved. Press r (or run login again) for a new one.")
            }
            let r = try await absolute(
                "POST", g.provider.tokenEndpoint,
                form: [
                    "grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": g.deviceCode,
                    "client_id": g.advert.clientId, "code_verifier": g.pkce.verifier,
                ])
            if r.status == 200 {
                return try await adoptProviderTokens(r, provider: g.provider, advert: g.advert, nonce: nil, flow: .device)
            }
            let e = Self.oauthError(r)
            switch e.code {
            case "authorization_pending": continue
            case "slow_down":
                interval += 5
                onSlowDown(interval)
            case "expired_token":
                throw APIError.sso("The code expired before it was approved. Press r (or run login again) for a new one.")
            case "access_denied":
                throw APIError.sso("Sign-in was denied on the provider's page.")
            default:
                throw APIError.sso(
                    "The provider refused the device sign-in (\(e.code)\(e.description.isEmpty ? "" : ": " + e.description)).")
            }
        }
    }

    // MARK: tokens

    /// Checks the ID token, stores the provider's tokens as this server's session, and asks the
    /// server who that is.
    func adoptProviderTokens(
        _ r: Reply, provider: ProviderMetadata, advert: OIDCAdvert, nonce: String?,
        flow: SignInFlow
    ) async throws -> Profile {
        guard let o = r.json as? [String: Any], let access = o["access_token"] as? String,
            let refresh = o["refresh_token"] as? String
        else {
            throw APIError.sso("The provider's token answer has no access or refresh token.")
        }
        guard let idToken = o["id_token"] as? String else {
            throw APIError.sso("The provider sent no ID token (is the openid scope allowed?).")
        }
        let jwks = try await absolute("GET", provider.jwksURI)
        guard jwks.status == 200 else { throw APIError.sso("The provider's keys (JWKS) answered \(jwks.status).") }
        let claims = try IDToken.verify(
            idToken, jwks: jwks.json, issuer: provider.issuer, clientId: advert.clientId, nonce: nonce)
        let refreshIn = (o["refresh_expires_in"] as? NSNumber)?.doubleValue
        let session = StoredSession(
            access: access, refresh: refresh, username: claims["preferred_username"] as? String,
            oidc: OIDCSessionInfo(
                issuer: provider.issuer, clientId: advert.clientId, idToken: idToken, flow: flow.rawValue,
                providerName: advert.name),
            refreshExpiresAt: refreshIn.flatMap { $0 > 0 ? Date().addingTimeInterval($0) : nil })
        try persist(session)
        try? store?.setLastServer(server)
        return try await profile()
    }

    /// A refresh against the provider's token endpoint (with rotation: the new refresh token
    /// replaces the old one, which the provider refuses from then on).
    func refreshWithProvider(_ t: StoredSession, _ info: OIDCSessionInfo) async throws -> StoredSession {
        let provider = try await discover(info.issuer)
        let r = try await absolute(
            "POST", provider.tokenEndpoint,
            form: [
                "grant_type": "refresh_token", "refresh_token": t.refresh, "client_id": info.clientId,
            ])
        guard r.status == 200 else {
            if r.status == 400 || r.status == 401 {
                logger.info("the provider refused the refresh token; signing out locally")
                wipeLocal()
                throw APIError.signedOut
            }
            throw APIError.sso("The provider answered \(r.status) to a refresh.")
        }
        guard let o = r.json as? [String: Any], let access = o["access_token"] as? String else {
            throw APIError.badResponse("refresh answer without access token")
        }
        var info = info
        if let id = o["id_token"] as? String { info.idToken = id }
        let refreshIn = (o["refresh_expires_in"] as? NSNumber)?.doubleValue
        let s = StoredSession(
            access: access, refresh: o["refresh_token"] as? String ?? t.refresh, username: t.username,
            oidc: info, refreshExpiresAt: refreshIn.flatMap { $0 > 0 ? Date().addingTimeInterval($0) : nil } ?? t.refreshExpiresAt
        )
        try persist(s)
        return s
    }
}

func htmlEscape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
