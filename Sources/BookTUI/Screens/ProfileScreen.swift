import BookClient

/// The signed-in user: fields, roles, dates; edit, change password, log out.
final class ProfileScreen: Screen {
    enum Mode { case view, edit, password }
    var mode = Mode.view
    var form = Form([])
    var message: String?
    var messageStyle: Style = .ok
    /// The seed's backend has no password change in its API (only its web site's reset).
    var offersPasswordChange = true

    var title: String { "Profile" }
    var help: [(key: String, action: String)] {
        switch mode {
        case .view:
            [("e", "edit e-mail and names")] + (offersPasswordChange ? [("c", "change password")] : [])
                + [("r", "reload"), ("L", "log out"), ("q / Esc", "back to the books"), ("?", "this help")]
        default:
            [
                ("Tab / Shift-Tab", "next / previous field"), ("Ctrl-S", "save"), ("Esc", "cancel"),
                ("Ctrl-A/E/K/U/W", "edit the field like a shell line"),
            ]
        }
    }
    var footer: String {
        mode == .view
            ? "e edit · " + (offersPasswordChange ? "c change password · " : "") + "L log out · r reload · q back · ? help"
            : "Ctrl-S save · Tab next field · Esc cancel · F1 help"
    }

    func appeared(_ app: App) {
        offersPasswordChange = app.capabilities.passwordChange
        if mode == .view { load(app) }
    }

    func load(_ app: App) {
        app.perform("Loading profile", { c in try await c.profile() }) { r in
            switch r {
            case .success(let p): app.profile = p
            case .failure(let e): app.report(e)
            }
        }
    }

    func draw(_ s: Surface, _ area: Rect, _ app: App) {
        var row = area.top + 1
        guard let p = app.profile else { s.line(row, "  Loading…", .dim); return }
        s.line(row, "  Profile of \(p.username)", .header); row += 2
        switch mode {
        case .view:
            let roles = p.roles.map { $0.isEmpty ? "(none)" : $0.joined(separator: ", ") } ?? "(this server has no roles)"
            let rows: [(String, String)] = [
                ("Username", p.username), ("E-mail", p.email ?? ""), ("First name", p.firstName ?? ""),
                ("Last name", p.lastName ?? ""), ("Roles", roles), ("Books", p.bookCount.map(String.init) ?? "?"),
                ("Joined", p.dateJoined.map(Dates.minute) ?? ""),
                (
                    "Last login",
                    p.lastLogin.map(Dates.minute) ?? (app.capabilities.extended ? "never" : "not recorded by this server")
                ),
                ("Signed in", p.authSource == "oidc" ? "via \(app.providerName) (single sign-on)" : "local account"),
            ]
            for (k, v) in rows {
                s.text(row, 2, k, width: 14, .normal, alignRight: true)
                s.text(row, 17, v, width: area.width - 18, .normal)
                row += 1
            }
        case .edit, .password:
            s.line(row, mode == .edit ? "  Edit your details" : "  Change your password", .key); row += 2
            row = form.draw(s, top: row, left: area.left + 2, width: area.width - 4)
        }
        if let m = message { s.line(row + 1, "  " + m, messageStyle) }
    }

    func handle(_ key: Key, _ app: App) {
        if key == .function(1) { app.push(HelpScreen(of: self)); return }
        switch mode {
        case .view:
            switch key {
            case .char("q"), .escape: app.pop()
            case .char("?"): app.push(HelpScreen(of: self))
            case .char("r"): load(app)
            case .char("L"): Self.logout(app)
            case .char("e"):
                guard let p = app.profile else { return }
                if p.authSource == "oidc" {
                    message = "Your details come from single sign-on; change them there."; messageStyle = .warning; return
                }
                form = Form([
                    Field("email", "E-mail", p.email ?? "") {
                        $0.isEmpty || BookClient.isPlainEmail($0) ? nil : "not an e-mail address"
                    },
                    Field("first_name", "First name", p.firstName ?? "") { $0.count > 150 ? "too long" : nil },
                    Field("last_name", "Last name", p.lastName ?? "") { $0.count > 150 ? "too long" : nil },
                    // The server asks for it when the e-mail changes (a stolen session alone cannot).
                    Field("current_password", "Password", masked: true),
                ])
                mode = .edit; message = nil
            case .char("c"):
                guard offersPasswordChange else {
                    message = "This server changes passwords on its web site: \(app.client.server)/password_reset/"
                    messageStyle = .warning; return
                }
                guard app.profile?.authSource != "oidc" else {
                    message = "You sign in with single sign-on; change your password there."; messageStyle = .warning; return
                }
                let pw = Field.newPassword("new_password", "New password")
                form = Form([Field("old_password", "Current", masked: true), pw, Field("again", "Again", masked: true)])
                form.fields[2].validate = { [unowned pw] v in v.isEmpty || v == pw.value ? nil : "does not match" }
                mode = .password; message = nil
            default: break
            }
        case .edit, .password:
            switch key {
            case .escape: mode = .view; message = nil
            case .ctrl("s"): save(app)
            case .enter: if form.isLastFocused { save(app) } else { form.handle(.tab) }
            default: form.handle(key)
            }
        }
    }

    func save(_ app: App) {
        if let (f, p) = form.firstProblem { form.formError = "\(f.label): \(p)"; return }
        if mode == .edit {
            let email = form.fields[0].trimmed, password = form.fields[3].value
            if email.lowercased() != (app.profile?.email ?? "").lowercased(), password.isEmpty {
                form.apply(serverErrors: ["current_password": ["your password, to change the e-mail address"]]); return
            }
            let u = ProfileUpdate(
                email: email, firstName: form.fields[1].trimmed, lastName: form.fields[2].trimmed,
                currentPassword: password)
            app.perform("Saving profile", { c in try await c.updateProfile(u) }) { [weak self] r in
                guard let self else { return }
                switch r {
                case .success(let p):
                    app.profile = p; mode = .view; messageStyle = .ok
                    message =
                        p.pendingEmail.map { "Saved. The new e-mail counts once you open the link sent to \($0)." }
                        ?? "Profile saved."
                case .failure(.validation(let e)): form.apply(serverErrors: e)
                case .failure(let e): form.formError = e.description
                }
            }
        } else {
            let old = form.fields[0].value, new = form.fields[1].value
            guard !old.isEmpty, !new.isEmpty, new == form.fields[2].value else {
                form.formError = "Fill in all three fields."; return
            }
            app.perform("Changing password", { c in try await c.changePassword(old: old, new: new) }) { [weak self] r in
                guard let self else { return }
                switch r {
                case .success: mode = .view; message = "Password changed. Other sessions are signed out."; messageStyle = .ok
                case .failure(.validation(let e)): form.apply(serverErrors: e)
                case .failure(let e): form.formError = e.description
                }
            }
        }
    }

    /// Signs out: asks the server to blacklist the refresh token, forgets it here in any case.
    static func logout(_ app: App) {
        if app.profile?.authSource == "oidc" {
            app.push(SignOutDialog())
            return
        }
        app.confirm("Log out of \(app.client.server)?") { app in
            app.perform("Logging out", { c in await c.logout() }) { r in
                let user = app.profile?.username ?? ""
                app.profile = nil
                switch r {
                case .success(let res) where res.revokedOnServer:
                    app.reset(to: LoginScreen(username: user, message: "Logged out. The session was revoked on the server."))
                case .success(let res):
                    app.reset(
                        to: LoginScreen(
                            username: user,
                            message:
                                "Logged out here; the server could not be told: \(res.problem ?? "?"). Local tokens are deleted.",
                            style: .warning))
                case .failure:
                    app.reset(
                        to: LoginScreen(username: user, message: "Logged out here (local tokens deleted).", style: .warning))
                }
            }
        }
    }
}
