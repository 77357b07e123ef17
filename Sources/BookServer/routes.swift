import Vapor

/// Every URL the server answers, in one place. Paths end in "/" as the seed's (Django's) do.
func routes(_ app: Application) throws {
    let api = app.grouped("api")
    let authenticated = api.grouped(BearerAuthenticator())
    let accounts = AccountController()
    let sessions = SessionController()
    let profile = ProfileController()
    let web = WebController()
    let health = HealthController()

    // MARK: tokens (simplejwt) and logout
    try api.register(collection: TokenController())
    authenticated.post("logout", use: sessions.logout)

    // MARK: local accounts
    api.post("register", use: accounts.register)
    api.post("register", "resend", use: accounts.resend)
    api.post("activate", use: accounts.activate)
    api.post("password-reset", use: accounts.requestReset)
    api.post("password-reset", "confirm", use: accounts.confirmReset)
    authenticated.post("password", "change", use: accounts.changePassword)

    // MARK: books and profile
    try authenticated.grouped("books").register(collection: BookController())
    // Up to 500 books with their notes: more than the 1 MB other bodies may have.
    authenticated.on(.POST, "books", "bulk", body: .collect(maxSize: "8mb"), use: BookBulkController().create)
    // Other methods would reach `books/:bookID` and answer 404 for a book "bulk": they answer 405
    // (ErrorMiddleware), and are not advertised in `Allow`.
    for method in [HTTPMethod.GET, .PUT, .PATCH, .DELETE] {
        authenticated.on(method, "books", "bulk") { _ -> Response in throw Abort(.notFound) }
            .userInfo[APIErrorMiddleware.refusedMethod] = true
    }
    authenticated.get("profile", use: profile.show)
    authenticated.put("profile", use: profile.replace)
    authenticated.patch("profile", use: profile.update)
    api.post("profile", "email", "confirm", use: accounts.confirmEmail)

    // MARK: ISBN lookup (Open Library, library catalogues over Z39.50 and SRU)
    authenticated.get("lookup", "isbn", ":isbn", use: LookupController().isbn)

    // MARK: OpenID Connect (answers 404 without OIDC_ISSUER)
    api.post("oidc", "backchannel-logout", use: BackchannelLogoutController().logout)

    // MARK: for clients and operators
    api.get("auth", "config", use: sessions.authConfig)
    api.get("schema", use: OpenAPIDocument.responder(try OpenAPIDocument.json()))
    app.get("healthz", use: health.live)
    app.get("readyz", use: health.ready)

    // MARK: pages opened from e-mails
    app.get("activate", ":uid", ":token", use: web.activate)
    app.get("reset", ":uid", ":token", use: web.resetForm)
    app.post("reset", ":uid", ":token", use: web.reset)
    app.get("confirm-email", ":uid", ":token", use: web.confirmEmail)
}
