import BookClient

/// A new account: the form, then "check your mail" with a field for the activation link.
final class RegisterScreen: Screen {
    enum Stage { case form, activate }
    var stage = Stage.form
    let form: Form
    let linkForm = Form([Field("link", "Link or token")])
    var email = ""
    var username = ""
    var message: String?
    var messageStyle: Style = .ok

    init() {
        let pw = Field.newPassword("password", "Password")
        form = Form([
            Field("username", "Username") { $0.count > 150 ? "at most 150 characters" : nil },
            Field("email", "E-mail") { $0.isEmpty || BookClient.isPlainEmail($0) ? nil : "not an e-mail address" },
            pw,
            Field("password2", "Again", masked: true),
        ])
        form.fields[3].validate = { [unowned pw] v in v.isEmpty || v == pw.value ? nil : "does not match" }
    }

    var title: String { "Register" }
    var help: [(key: String, action: String)] {
        stage == .form
            ? [
                ("Tab / Shift-Tab", "next / previous field"), ("Enter", "next field; on the last: register"),
                ("Ctrl-S", "register"), ("Esc", "back to log in"),
            ]
            : [
                ("Enter", "activate with the pasted link or token"), ("Ctrl-R", "send the mail again"),
                ("Esc", "back to log in"),
            ]
    }
    var footer: String {
        stage == .form
            ? "Ctrl-S register · Tab next · Esc back · F1 help"
            : "Enter activate · Ctrl-R resend mail · Esc back · F1 help"
    }

    func draw(_ s: Surface, _ area: Rect, _ app: App) {
        var row = area.top + 1
        switch stage {
        case .form:
            s.line(row, "  Create an account on \(app.client.server)", .header); row += 2
            row = form.draw(s, top: row, left: area.left + 2, width: area.width - 4)
        case .activate:
            s.line(row, "  Check your mail", .header); row += 2
            s.line(row, "  We sent an activation link to \(email)."); row += 1
            s.line(row, "  Paste the link here (or its last two parts, uid/token) and press Enter."); row += 2
            row = linkForm.draw(s, top: row, left: area.left + 2, width: area.width - 4, boxWidth: 60)
        }
        if let m = message { s.line(row + 1, "  " + m, messageStyle) }
    }

    func handle(_ key: Key, _ app: App) {
        if key == .escape { app.pop(); return }
        if key == .function(1) { app.push(HelpScreen(of: self)); return }
        switch stage {
        case .form:
            if form.submits(key) { submit(app) }
        case .activate:
            if key == .enter { activate(app) } else if key == .ctrl("r") { resend(app) } else { linkForm.handle(key) }
        }
    }

    func submit(_ app: App) {
        for f in form.fields where f.trimmed.isEmpty {
            f.serverError = "required"
        }
        if let (f, p) = form.firstProblem ?? form.fields.first(where: { $0.serverError != nil }).map({ ($0, $0.serverError!) }) {
            message = "\(f.label): \(p)"; messageStyle = .error
            form.focus = form.fields.firstIndex { $0 === f } ?? 0
            return
        }
        let u = form.fields[0].trimmed, e = form.fields[1].trimmed, p = form.fields[2].value
        message = nil
        app.perform("Registering", { c in try await c.register(username: u, email: e, password: p) }) { [weak self] r in
            guard let self else { return }
            switch r {
            case .success(let user):
                email = user.email; username = user.username
                stage = .activate
                message = nil
            case .failure(.validation(let errs)):
                form.apply(serverErrors: errs)
                message = "The server did not accept this; see the marked fields."; messageStyle = .error
            case .failure(let e):
                message = e.description; messageStyle = .error
            }
        }
    }

    func activate(_ app: App) {
        guard let link = LinkToken.parse(linkForm.fields[0].value, kind: "activate") else {
            message = "That does not look like an activation link (…/activate/<uid>/<token>/)."; messageStyle = .error
            return
        }
        app.perform("Activating", { c in try await c.activate(link) }) { [weak self] r in
            guard let self else { return }
            switch r {
            case .success:
                app.reset(to: LoginScreen(username: username, message: "Account activated. Log in with your password."))
            case .failure(let e):
                message = "Activation failed: \(e.description)"; messageStyle = .error
            }
        }
    }

    func resend(_ app: App) {
        let e = email
        app.perform("Sending the mail again", { c in try await c.resendActivation(email: e) }) { [weak self] r in
            switch r {
            case .success: self?.message = "Sent again to \(e)."; self?.messageStyle = .ok
            case .failure(let err): self?.message = err.description; self?.messageStyle = .error
            }
        }
    }
}
