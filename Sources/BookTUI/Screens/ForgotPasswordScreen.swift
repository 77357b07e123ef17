import BookClient

/// E-mail first; then the pasted reset link and the new password.
final class ForgotPasswordScreen: Screen {
    enum Stage { case email, reset }
    var stage = Stage.email
    let emailForm = Form([Field("email", "E-mail")])
    let resetForm: Form
    var message: String?
    var messageStyle: Style = .ok

    init() {
        let pw = Field.newPassword("new_password", "New password")
        resetForm = Form([Field("link", "Link or token"), pw, Field("again", "Again", masked: true)])
        resetForm.fields[2].validate = { [unowned pw] v in v.isEmpty || v == pw.value ? nil : "does not match" }
    }

    var title: String { "Forgot password" }
    var help: [(key: String, action: String)] {
        [
            ("Tab / Shift-Tab", "next / previous field"), ("Enter", "next field; on the last: send"),
            ("Ctrl-S", "send"), ("Esc", "back to log in"),
        ]
    }
    var footer: String { "Enter send · Tab next · Esc back · F1 help" }

    func draw(_ s: Surface, _ area: Rect, _ app: App) {
        var row = area.top + 1
        s.line(row, "  Reset your password", .header); row += 2
        switch stage {
        case .email:
            s.line(row, "  Enter the e-mail address of your account; we will mail you a reset link."); row += 2
            row = emailForm.draw(s, top: row, left: area.left + 2, width: area.width - 4)
        case .reset:
            s.line(row, "  If that address has an account, a reset link is on its way."); row += 1
            s.line(row, "  Paste the link (or uid/token) and choose a new password."); row += 2
            row = resetForm.draw(s, top: row, left: area.left + 2, width: area.width - 4, boxWidth: 50)
        }
        if let m = message { s.line(row + 1, "  " + m, messageStyle) }
    }

    func handle(_ key: Key, _ app: App) {
        if key == .escape { app.pop(); return }
        if key == .function(1) { app.push(HelpScreen(of: self)); return }
        let form = stage == .email ? emailForm : resetForm
        if form.submits(key) { submit(app) }
    }

    func submit(_ app: App) {
        switch stage {
        case .email:
            let e = emailForm.fields[0].trimmed
            guard BookClient.isPlainEmail(e) else { message = "Enter an e-mail address."; messageStyle = .error; return }
            app.perform("Asking for a reset link", { c in try await c.requestPasswordReset(email: e) }) { [weak self] r in
                switch r {
                case .success: self?.stage = .reset; self?.message = nil
                case .failure(let err): self?.message = err.description; self?.messageStyle = .error
                }
            }
        case .reset:
            guard let link = LinkToken.parse(resetForm.fields[0].value, kind: "reset") else {
                message = "That does not look like a reset link (…/reset/<uid>/<token>/)."; messageStyle = .error
                return
            }
            if let (f, p) = resetForm.firstProblem { message = "\(f.label): \(p)"; messageStyle = .error; return }
            let pw = resetForm.fields[1].value
            guard !pw.isEmpty else { message = "Choose a new password."; messageStyle = .error; return }
            app.perform("Setting the new password", { c in try await c.confirmPasswordReset(link, newPassword: pw) }) {
                [weak self] r in
                switch r {
                case .success:
                    app.reset(to: LoginScreen(message: "Password changed. Log in with the new one."))
                case .failure(.validation(let errs)):
                    self?.resetForm.apply(serverErrors: errs)
                    self?.message =
                        errs["token"].map { _ in "The link is invalid or has expired." } ?? "The server did not accept this."
                    self?.messageStyle = .error
                case .failure(let err):
                    self?.message = err.description; self?.messageStyle = .error
                }
            }
        }
    }
}
