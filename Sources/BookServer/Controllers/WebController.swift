import Vapor

/// The two pages a mail link opens in a browser: activation, and the password reset form.
struct WebController {
    @Sendable func activate(req: Request) async throws -> Response {
        let uid = req.parameters.get("uid") ?? ""
        let token = req.parameters.get("token") ?? ""
        do {
            try await AccountController.activate(uid: uid, token: token, req)
            return Self.page("Account activated", "<p>Your account is active. You can sign in now, in booktui or any client.</p>")
        } catch let errors as FieldErrors {
            return Self.page("Activation failed", Self.list(errors), status: .badRequest)
        }
    }

    @Sendable func confirmEmail(req: Request) async throws -> Response {
        do {
            let address = try await AccountController.confirmEmail(
                uid: req.parameters.get("uid") ?? "", token: req.parameters.get("token") ?? "", req)
            return Self.page("E-mail address changed", "<p>Your account's e-mail address is now \(Self.escape(address)).</p>")
        } catch let errors as FieldErrors {
            return Self.page("E-mail change failed", Self.list(errors), status: .badRequest)
        }
    }

    @Sendable func resetForm(req: Request) async throws -> Response {
        Self.page("Choose a new password", Self.form(errors: nil))
    }

    @Sendable func reset(req: Request) async throws -> Response {
        struct Form: Content { var new_password: String?; var new_password2: String? }
        let form = (try? req.content.decode(Form.self)) ?? Form()
        let password = form.new_password ?? ""
        guard password == (form.new_password2 ?? "") else {
            return Self.page(
                "Choose a new password", Self.form(errors: FieldErrors("new_password2", "The two password fields didn’t match.")),
                status: .badRequest)
        }
        do {
            try await AccountController.resetPassword(
                uid: req.parameters.get("uid") ?? "", token: req.parameters.get("token") ?? "", newPassword: password, req)
            return Self.page("Password changed", "<p>Your password has been set. You can sign in with it now.</p>")
        } catch let errors as FieldErrors {
            return Self.page("Choose a new password", Self.form(errors: errors), status: .badRequest)
        }
    }

    private static func form(errors: FieldErrors?) -> String {
        (errors.map(list) ?? "") + """
            <form method="post">
            <p><label>New password <input type="password" name="new_password" autocomplete="new-password" required></label></p>
            <p><label>Repeat it <input type="password" name="new_password2" autocomplete="new-password" required></label></p>
            <p><button type="submit">Set password</button></p>
            </form>
            """
    }

    private static func list(_ errors: FieldErrors) -> String {
        "<ul class=\"errors\">" + errors.fields.values.flatMap { $0 }.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func page(_ title: String, _ body: String, status: HTTPStatus = .ok) -> Response {
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title)) · Books</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto;"><h1>\(escape(title))</h1>\(body)</body></html>
            """
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "Referrer-Policy", value: "no-referrer")
        // No scripts, no framing (clickjacking the reset form), the form posts only back here.
        headers.add(name: "Content-Security-Policy", value: SecurityHeaders.htmlPolicy)
        headers.add(name: "X-Frame-Options", value: "DENY")
        return Response(status: status, headers: headers, body: .init(string: html))
    }
}
