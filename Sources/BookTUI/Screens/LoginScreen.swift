import BookClient

/// Username and password; the way to Register and Forgot password when the server offers them.
public final class LoginScreen: Screen {
    let form: Form
    var message: String?
    var messageStyle: Style = .ok
    var checkedSession = false
    /// Tokens are stored for this server: the check will most likely open the list, so keys typed
    /// meanwhile wait for it (`p` at once opens the profile). Without tokens they go to the form.
    let resuming: Bool

    public init(username: String = "", message: String? = nil, style: Style = .ok, resuming: Bool = false) {
        self.resuming = resuming
        form = Form([Field("username", "Username", username), Field("password", "Password", masked: true)])
        if !username.isEmpty { form.focus = 1 }
        self.message = message
        self.messageStyle = style
    }

    public var title: String { "Log in" }
    public var help: [(key: String, action: String)] {
        [
            ("Tab / Shift-Tab", "next / previous field"), ("Enter", "next field; on Password: log in"),
            ("Ctrl-S", "log in"),
            ("Ctrl-O", "sign in with single sign-on (Keycloak or another provider, when the server offers it)"),
            ("Ctrl-R", "register a new account"), ("Ctrl-F", "forgot password"),
            ("Ctrl-A/E/K/U/W", "edit the field like a shell line"), ("Esc", "cancel a call in progress; else quit"),
        ]
    }
    /// Only the ways in this server offers (see `footer(_:)`).
    public func help(_ app: App) -> [(key: String, action: String)] {
        help.filter { item in
            switch item.key {
            case "Ctrl-O": app.capabilities.sso != nil
            case "Ctrl-R": registers(app)
            default: true
            }
        }
    }
    func registers(_ app: App) -> Bool {
        app.capabilities.registration
    }
    public var footer: String { "Enter log in · Tab next · Ctrl-R register · Ctrl-F forgot password · Esc quit · F1 help" }

    /// With single sign-on on offer, its key comes first.
    /// Only what this server offers: single sign-on first when it has it; no Ctrl-R where it
    /// registers nobody (the seed's web site counts as an offer: Ctrl-R shows where).
    public func footer(_ app: App) -> String {
        let registers = registers(app)
        let parts =
            (app.capabilities.sso == nil ? [] : ["Ctrl-O sign in with \(app.capabilities.sso?.name ?? "")"])
            + ["Enter log in", "Tab next"] + (registers ? ["Ctrl-R register"] : [])
            + (app.capabilities.sso == nil ? ["Ctrl-F forgot password"] : []) + ["Esc quit", "F1 help"]
        return parts.joined(separator: " · ")
    }

    public func appeared(_ app: App) {
        guard !checkedSession else { return }
        checkedSession = true
        app.perform(
            "Contacting server", holdsKeys: resuming,
            { c in
                let config = try await c.authConfig()
                let profile: Profile? = await c.isSignedIn ? try await c.profile() : nil
                return (config, profile)
            }
        ) { [weak self] r in
            switch r {
            case .success(let (_, profile)):
                if let profile {
                    app.profile = profile
                    app.reset(to: BookListScreen())
                }
            case .failure(.signedOut): break
            case .failure(let e):
                // Not known yet: nothing is refused for lack of it; logging in asks again.
                self?.message = e.description + (e == .cancelled ? "" : ". Logging in tries again.")
                self?.messageStyle = .error
            }
        }
    }

    public func draw(_ s: Surface, _ area: Rect, _ app: App) {
        var row = area.top + 1
        s.line(row, "  Log in to \(app.client.server)", .header); row += 2
        row = form.draw(s, top: row, left: area.left + 2, width: area.width - 4)
        row += 1
        // A sign-out report has one line per step.
        for line in (message ?? "").split(separator: "\n") { s.line(row, "  " + line, messageStyle); row += 1 }
        row += message == nil ? 2 : 1
        let seed = app.capabilities.signIn?.extended == false
        var offers = ["Ctrl-R  Create an account" + (seed ? " (on the server's web site)" : "")]
        if app.capabilities.signIn?.registration == false && !seed { offers[0] += " (not offered by this server)" }
        offers.append("Ctrl-F  Forgot password" + (seed ? " (on the server's web site)" : ""))
        if !app.capabilities.localLogin {
            offers.append(
                "This server has turned local accounts off: sign in with \(app.capabilities.sso?.name ?? "single sign-on") (Ctrl-O)."
            )
        }
        if let oidc = app.capabilities.sso {
            s.line(row, "  Ctrl-O  Sign in with \(oidc.name) (\(oidc.issuer))", .key); row += 1
        }
        for o in offers { s.line(row, "  " + o, .dim); row += 1 }
    }

    public func handle(_ key: Key, _ app: App) {
        switch key {
        case .escape: app.running = false
        case .function(1): app.push(HelpScreen(of: self))
        case .ctrl("r"):
            if app.capabilities.signIn?.registration ?? true {
                app.push(RegisterScreen())
            } else if app.capabilities.signIn?.extended == false {
                app.push(
                    WebPageScreen(
                        title: "Create an account", why: "This server creates accounts on its web site.",
                        url: app.client.server + "/register/"))
            } else {
                message = "This server does not offer registration."; messageStyle = .warning
            }
        case .ctrl("f"):
            if app.capabilities.passwordReset {
                app.push(ForgotPasswordScreen())
            } else {
                app.push(
                    WebPageScreen(
                        title: "Forgot password", why: "This server resets passwords on its web site.",
                        url: app.client.server + "/password_reset/"))
            }
        case .ctrl("s"): submit(app)
        case .ctrl("o"):
            if app.capabilities.sso != nil {
                app.push(SSOScreen())
            } else {
                message =
                    app.capabilities.signInKnown
                    ? "This server does not offer single sign-on."
                    : "Still asking the server what it offers; try again in a moment."
                messageStyle = .warning
            }
        case .enter:
            if form.focus == 0 { form.focus = 1 } else { submit(app) }
        default: form.handle(key)
        }
    }

    func submit(_ app: App) {
        let user = form.fields[0].trimmed, pass = form.fields[1].value
        guard !user.isEmpty, !pass.isEmpty else {
            message = "Enter your username and password."; messageStyle = .warning
            form.focus = user.isEmpty ? 0 : 1
            return
        }
        message = nil
        let needConfig = !app.capabilities.signInKnown
        app.perform(
            "Logging in",
            { c in
                let config = needConfig ? try? await c.authConfig() : nil
                try await c.login(username: user, password: pass)
                return (try await c.profile(), config)
            }
        ) { [weak self] r in
            guard let self else { return }
            switch r {
            case .success(let (p, _)):
                app.profile = p
                app.reset(to: BookListScreen())
                app.flash("Welcome, \(p.username).")
            case .failure(.unauthorized):
                message = "Wrong username or password, or the account is not activated yet."
                messageStyle = .error
                form.fields[1].text = ""
                form.focus = 1
            case .failure(let e):
                message = e.description; messageStyle = .error
            }
        }
    }
}
