import Foundation
import PlainEmail

/// What logging out achieved.
public struct LogoutResult: Sendable, Equatable {
    /// The server blacklisted the refresh token.
    public var revokedOnServer: Bool
    /// Why not, when it did not.
    public var problem: String?
    /// Whether there was a session at all.
    public var wasSignedIn: Bool
}

extension BookClient {
    /// What the server offers for signing in. The seed has no such endpoint: local login only.
    public func authConfig() async throws -> AuthConfig {
        let r = try await call("GET", "/api/auth/config/")
        if r.status == 404 { capabilities.learn(.seed); return .seed }
        try Self.expect(r, 200)
        guard let o = r.json as? [String: Any] else { throw APIError.badResponse("auth config") }
        var advert: OIDCAdvert?
        if let oidc = o["oidc"] as? [String: Any], let issuer = oidc["issuer"] as? String,
            let client = oidc["client_id"] as? String
        {
            advert = OIDCAdvert(
                issuer: issuer, clientId: client,
                scopes: oidc["scopes"] as? [String] ?? ["openid", "profile", "email"],
                deviceAuthorization: oidc["device_authorization"] as? Bool ?? true,
                providerName: oidc["provider_name"] as? String)
        }
        let config = AuthConfig(
            local: o["local"] as? Bool ?? true, registration: o["registration"] as? Bool ?? false,
            oidc: advert, extended: true, isbnLookup: o["isbn_lookup"] as? Bool ?? false)
        capabilities.learn(config)
        return config
    }

    /// Signs in with a local account and stores the tokens.
    /// - Throws: `.unauthorized` for wrong credentials or an inactive account, `.rateLimited`.
    public func login(username: String, password: String) async throws {
        let r = try await call("POST", "/api/token/", json: ["username": username, "password": password])
        try Self.expect(r, 200)
        guard let o = r.json as? [String: Any], let a = o["access"] as? String, let rf = o["refresh"] as? String else {
            throw APIError.badResponse("token answer")
        }
        try persist(StoredSession(access: a, refresh: rf, username: username))
        try? store?.setLastServer(server)
    }

    /// Blacklists the refresh token on the server, then forgets the tokens here whatever happened.
    public func logout() async -> LogoutResult {
        guard let t = tokens else { return LogoutResult(revokedOnServer: false, problem: nil, wasSignedIn: false) }
        var problem: String?
        do {
            let r = try await authed("POST", "/api/logout/", json: ["refresh_token": tokens?.refresh ?? t.refresh])
            if r.status != 205 && r.status != 200 && r.status != 204 { problem = Self.error(from: r).description }
        } catch let e as APIError {
            problem = e == .signedOut ? "the session had already ended on the server" : e.description
        } catch {
            problem = String(describing: error)
        }
        wipeLocal()
        return LogoutResult(revokedOnServer: problem == nil, problem: problem, wasSignedIn: true)
    }

    /// Asks the server whether the access token is good (`/api/token/verify/`).
    public func verifyAccessToken() async throws -> Bool {
        guard let t = tokens else { return false }
        let r = try await call("POST", "/api/token/verify/", json: ["token": t.access])
        return r.status == 200
    }

    /// Forces a refresh now (used by `booktui status --refresh` and tests).
    public func refreshNow() async throws {
        guard let t = tokens else { throw APIError.signedOut }
        _ = try await refreshed(after: t.access)
    }

    public func register(username: String, email: String, password: String) async throws -> RegisteredUser {
        try Self.requirePlainEmail(email)
        let r = try await call("POST", "/api/register/", json: ["username": username, "email": email, "password": password])
        if r.status == 404 { throw APIError.notFound("This server has no registration in its API; register on its web site") }
        try Self.expect(r, 201, 200)
        let o = r.json as? [String: Any]
        return RegisteredUser(username: o?["username"] as? String ?? username, email: o?["email"] as? String ?? email)
    }

    public func activate(_ link: LinkToken) async throws {
        let r = try await call("POST", "/api/activate/", json: ["uid": link.uid, "token": link.token])
        try Self.expect(r, 200, 204)
    }

    public func resendActivation(email: String) async throws {
        try Self.requirePlainEmail(email)
        let r = try await call("POST", "/api/register/resend/", json: ["email": email])
        try Self.expect(r, 202, 200, 204)
    }

    public func requestPasswordReset(email: String) async throws {
        try Self.requirePlainEmail(email)
        let r = try await call("POST", "/api/password-reset/", json: ["email": email])
        try Self.expect(r, 202, 200, 204)
    }

    public func confirmPasswordReset(_ link: LinkToken, newPassword: String) async throws {
        let r = try await call(
            "POST", "/api/password-reset/confirm/",
            json: ["uid": link.uid, "token": link.token, "new_password": newPassword])
        try Self.expect(r, 204, 200)
    }

    /// Changes the password. The server blacklists every earlier refresh token, so the client
    /// signs in again with the new password to keep this session.
    public func changePassword(old: String, new: String) async throws {
        let r = try await authed("POST", "/api/password/change/", json: ["old_password": old, "new_password": new])
        try Self.expect(r, 204, 200)
        if let user = tokens?.username { try await login(username: user, password: new) }
    }

    public func profile() async throws -> Profile {
        let r = try await authed("GET", "/api/profile/")
        try Self.expect(r, 200)
        let p = try Self.decode(Profile.self, r)
        if extended == nil { capabilities.learn(extensions: p.roles != nil) }
        if var t = tokens, t.username != p.username { t.username = p.username; try? persist(t) }
        return p
    }

    public func updateProfile(_ u: ProfileUpdate) async throws -> Profile {
        try Self.requirePlainEmail(u.email)
        var body: [String: Any] = ["email": u.email, "first_name": u.firstName, "last_name": u.lastName]
        if let password = u.currentPassword, !password.isEmpty { body["current_password"] = password }
        let r = try await authed("PATCH", "/api/profile/", json: body)
        try Self.expect(r, 200)
        return try Self.decode(Profile.self, r)
    }
}

extension BookClient {
    /// The server's rule for an address (a plain `local@domain`, see `PlainEmail`), so the TUI can
    /// say what is wrong before anything is sent.
    public static func isPlainEmail(_ address: String) -> Bool { PlainEmail.isValid(address) }

    static func requirePlainEmail(_ address: String) throws {
        guard isPlainEmail(address) else { throw APIError.validation(["email": ["Enter a valid email address."]]) }
    }
}
