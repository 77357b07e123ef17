import Foundation

/// How far a sign-out reaches.
public enum SignOutStrength: String, Sendable, CaseIterable {
    /// Forget the tokens on this machine only.
    case local
    /// Also have book-server refuse them, and revoke them at the provider where it offers that.
    case revoke
    /// Also end the provider's session (single sign-out: every app signed in through it).
    case everywhere
}

/// One step of a sign-out and how it went.
public struct SignOutStep: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable { case done, failed(String), skipped(String) }
    public var name: String
    public var outcome: Outcome
    /// Whether this is the step that ends the provider's session (RP logout with the refresh token).
    public var endsProviderSession = false

    public init(name: String, outcome: Outcome, endsProviderSession: Bool = false) {
        self.name = name; self.outcome = outcome; self.endsProviderSession = endsProviderSession
    }

    /// The name of the step that ends the session at the provider called `provider`.
    public static func providerSessionStep(_ provider: String) -> String { "\(provider) session ended everywhere" }

    /// One line for a screen or a terminal.
    public var line: String {
        switch outcome {
        case .done: return "✓ \(name)"
        case .failed(let why): return "✗ \(name): \(why)"
        case .skipped(let why): return "– \(name): \(why)"
        }
    }
}

/// What a sign-out did, step by step.
public struct SignOutReport: Sendable, Equatable {
    public var wasSignedIn: Bool
    public var viaSSO: Bool
    public var steps: [SignOutStep]
    /// The single sign-on provider's name for screens (`OIDCSessionInfo.displayName`).
    public var providerName: String?
    /// The standard RP-initiated logout URL, when asked for (to open in a browser).
    public var browserLogoutURL: String?
    public var allDone: Bool {
        steps.allSatisfy {
            if case .failed = $0.outcome { return false }; return true
        }
    }
    /// Whether the provider's single sign-on session may still be alive: ending it failed.
    public var providerSessionMayRemain: Bool {
        steps.contains {
            if case .failed = $0.outcome { return $0.endsProviderSession }; return false
        }
    }
}

extension BookClient {
    /// Signs out as far as `strength` says; every step is tried and reported, and the local
    /// tokens are wiped whatever the others did.
    /// - Parameter browserLogout: also build the RP-initiated logout URL (`id_token_hint`,
    ///   `post_logout_redirect_uri`) for those who want to see the provider's page.
    public func signOut(_ strength: SignOutStrength, browserLogout: Bool = false) async -> SignOutReport {
        guard let t = tokens else { return SignOutReport(wasSignedIn: false, viaSSO: false, steps: []) }
        if t.oidc == nil && strength != .local {
            // A local account: the server blacklists the refresh token, after a refresh if the
            // access token has expired (`logout()`), so the step is never skipped for age.
            let r = await logout()
            let step = SignOutStep(
                name: "book-server revoked the session",
                outcome: r.revokedOnServer ? .done : .failed(r.problem ?? "unknown"))
            return SignOutReport(
                wasSignedIn: true, viaSSO: false,
                steps: [step, SignOutStep(name: "local tokens deleted", outcome: .done)])
        }
        var report = SignOutReport(wasSignedIn: true, viaSSO: t.oidc != nil, steps: [], providerName: t.oidc?.displayName)
        if strength != .local { report.steps.append(await serverLogout(t)) }
        if let info = t.oidc {
            var provider: ProviderMetadata?
            var discoveryProblem = ""
            if strength != .local || browserLogout {
                do { provider = try await discover(info.issuer) } catch { discoveryProblem = Self.describe(error) }
            }
            if strength == .everywhere {
                report.steps.append(await endProviderSession(t, info, provider, discoveryProblem))
            }
            if strength != .local {
                report.steps.append(await revokeAtProvider(t, info, provider, discoveryProblem))
            }
            if browserLogout, let end = provider?.endSessionEndpoint, var c = URLComponents(string: end) {
                let existing = c.queryItems ?? []
                c.queryItems =
                    existing + [
                        URLQueryItem(name: "client_id", value: info.clientId),
                        URLQueryItem(name: "post_logout_redirect_uri", value: pasteRedirectURI),
                    ] + (info.idToken.map { [URLQueryItem(name: "id_token_hint", value: $0)] } ?? [])
                report.browserLogoutURL = c.url?.absoluteString
            }
        }
        wipeLocal()
        report.steps.append(SignOutStep(name: "local tokens deleted", outcome: .done))
        return report
    }

    /// Whether the provider still holds the single sign-on session, asked of its userinfo
    /// endpoint with the access token (Keycloak refuses it once the session has ended). Nil for a
    /// local account.
    public func ssoSessionState() async -> String? {
        guard let t = tokens, let info = t.oidc else { return nil }
        do {
            let provider = try await discover(info.issuer)
            guard let userinfo = provider.userinfoEndpoint else { return "unknown (the provider has no userinfo endpoint)" }
            let r = try await absolute("GET", userinfo, bearer: t.access)
            switch r.status {
            case 200: return "alive"
            case 401: return "ended, or this access token has expired"
            default: return "unknown (userinfo answered \(r.status))"
            }
        } catch {
            return "unknown (\(Self.describe(error)))"
        }
    }

    static func describe(_ error: Error) -> String {
        (error as? APIError)?.description ?? String(describing: error)
    }

    /// book-server refuses the provider's access token from now on (it blacklists it and answers
    /// 205). An access token it already refuses (expired) needs nothing more.
    func serverLogout(_ t: StoredSession) async -> SignOutStep {
        let name = "book-server refuses these tokens"
        do {
            let r = try await exchange(makeRequest("POST", "/api/logout/", query: [], json: [String: Any](), bearer: t.access))
            switch r.status {
            case 200, 204, 205: return SignOutStep(name: name, outcome: .done)
            case 401: return SignOutStep(name: name, outcome: .skipped("it already refused them"))
            default: return SignOutStep(name: name, outcome: .failed(Self.error(from: r).description))
            }
        } catch {
            return SignOutStep(name: name, outcome: .failed(Self.describe(error)))
        }
    }

    /// Ends the provider's session with the refresh token, no browser needed (Keycloak accepts
    /// this from public clients; a provider that refuses it is reported, not fatal).
    func endProviderSession(
        _ t: StoredSession, _ info: OIDCSessionInfo, _ provider: ProviderMetadata?,
        _ discoveryProblem: String
    ) async -> SignOutStep {
        let name = SignOutStep.providerSessionStep(info.displayName)
        func step(_ outcome: SignOutStep.Outcome) -> SignOutStep {
            SignOutStep(name: name, outcome: outcome, endsProviderSession: true)
        }
        guard let provider else { return step(.failed(discoveryProblem)) }
        guard let end = provider.endSessionEndpoint else {
            return step(.skipped("the provider has no end-session endpoint"))
        }
        do {
            let r = try await absolute("POST", end, form: ["client_id": info.clientId, "refresh_token": t.refresh])
            if (200...299).contains(r.status) { return step(.done) }
            let e = Self.oauthError(r)
            // A refused refresh token may mean the session already ended (signed out elsewhere):
            // then the provider refuses the access token at userinfo too, and nothing remains.
            if e.code == "invalid_grant", let userinfo = provider.userinfoEndpoint,
                let probe = try? await absolute("GET", userinfo, bearer: t.access), probe.status == 401
            {
                return step(.skipped("the provider had already ended it (signed out elsewhere)"))
            }
            return step(
                .failed(
                    "the provider refused (\(e.code)\(e.description.isEmpty ? "" : ": " + e.description)); "
                        + "use --browser-logout to end it in a browser"))
        } catch {
            return step(.failed(Self.describe(error)))
        }
    }

    /// RFC 7009 revocation of the refresh token, where the provider advertises it.
    func revokeAtProvider(
        _ t: StoredSession, _ info: OIDCSessionInfo, _ provider: ProviderMetadata?,
        _ discoveryProblem: String
    ) async -> SignOutStep {
        let name = "refresh token revoked at the provider"
        guard let provider else { return SignOutStep(name: name, outcome: .failed(discoveryProblem)) }
        guard let revoke = provider.revocationEndpoint else {
            return SignOutStep(name: name, outcome: .skipped("the provider offers no revocation"))
        }
        do {
            let r = try await absolute(
                "POST", revoke,
                form: [
                    "token": t.refresh, "token_type_hint": "refresh_token", "client_id": info.clientId,
                ])
            if r.status == 200 { return SignOutStep(name: name, outcome: .done) }
            let e = Self.oauthError(r)
            return SignOutStep(name: name, outcome: .failed("the provider refused (\(e.code))"))
        } catch {
            return SignOutStep(name: name, outcome: .failed(Self.describe(error)))
        }
    }
}
