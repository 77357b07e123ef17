import Vapor

/// `POST /api/token/` and `/api/token/refresh/`: simplejwt's pair.
struct TokenPairDTO: Content {
    var refresh: String
    var access: String
}

/// `{"detail": …}`: what a confirmation link or an action says, in the seed's shape.
struct DetailDTO: Content {
    var detail: String
}

/// `GET /api/auth/config/`: how to sign in here; `oidc` is null without `OIDC_ISSUER`.
struct AuthConfigDTO: Content {
    struct OIDC: Content {
        var issuer: String
        /// What sign-in screens call the provider (`OIDC_PROVIDER_NAME`).
        var provider_name: String
        var client_id: String
        var scopes: [String]
        var device_authorization: Bool
    }
    var local: Bool
    var registration: Bool
    @NullEncodable var oidc: OIDC?
    /// `GET /api/lookup/isbn/<isbn>/` answers: at least one source is configured.
    var isbn_lookup: Bool
}
