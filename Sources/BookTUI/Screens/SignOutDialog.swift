import BookClient

/// Sign-out for a single sign-on user, in three strengths; the strongest, ending the provider's
/// session everywhere (single sign-out), is the default. Each step's result is shown afterwards on the
/// login screen.
final class SignOutDialog: Screen {
    static let choices: [(key: Character, strength: SignOutStrength)] = [("1", .everywhere), ("2", .revoke), ("3", .local)]

    /// What a choice does, with the provider's name ("Keycloak", "Glewlwyd", …).
    static func text(_ strength: SignOutStrength, provider: String) -> String {
        switch strength {
        case .everywhere: "Sign out of \(provider) everywhere (default)"
        case .revoke: "Revoke this session only; stay signed in to \(provider)"
        case .local: "Only forget the tokens on this machine"
        }
    }
    var selected = 0

    var title: String { "Log out" }
    var isOverlay: Bool { true }
    var help: [(key: String, action: String)] {
        [("1 / 2 / 3", "choose and sign out"), ("↑ / ↓", "move"), ("Enter", "sign out as chosen"), ("Esc / q", "stay signed in")]
    }
    var footer: String { "Enter sign out · 1 everywhere · 2 revoke · 3 this machine · Esc stay" }

    func draw(_ s: Surface, _ area: Rect, _ app: App) {
        let w = min(area.width - 4, 64)
        let left = area.left + (area.width - w) / 2
        let top = area.top + area.height / 2 - 4
        let lines =
            ["Log out of \(app.client.server) (signed in via \(app.providerName)):", ""]
            + Self.choices.enumerated().map { i, c in
                (i == selected ? "▶ " : "  ") + "\(c.key)  \(Self.text(c.strength, provider: app.providerName))"
            }
            + ["", "Enter = chosen · Esc = stay signed in"]
        s.text(top, left, "┌" + String(repeating: "─", count: w - 2) + "┐", width: w, .header)
        for (i, l) in lines.enumerated() {
            let style: Style = i - 2 == selected ? .selected : .header
            s.text(top + 1 + i, left, "│ " + DisplayWidth.fit(l, width: w - 4) + " │", width: w, style)
        }
        s.text(top + 1 + lines.count, left, "└" + String(repeating: "─", count: w - 2) + "┘", width: w, .header)
    }

    func handle(_ key: Key, _ app: App) {
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(Self.choices.count - 1, selected + 1)
        case .enter: go(Self.choices[selected].strength, app)
        case .char(let c):
            if let i = Self.choices.firstIndex(where: { $0.key == c }) {
                go(Self.choices[i].strength, app)
            } else if c == "q" {
                app.pop()
            }
        case .escape: app.pop()
        default: break
        }
    }

    func go(_ strength: SignOutStrength, _ app: App) {
        app.pop()
        app.perform("Signing out", { c in await c.signOut(strength) }) { r in
            let user = app.profile?.username ?? ""
            app.profile = nil
            switch r {
            case .success(let report):
                let steps = report.steps.map { "  " + $0.line }.joined(separator: "\n")
                app.reset(
                    to: LoginScreen(
                        username: "", message: "Logged out \(user):\n" + steps,
                        style: report.allDone ? .ok : .warning))
            case .failure:
                app.reset(to: LoginScreen(message: "Logged out here (local tokens deleted).", style: .warning))
            }
        }
    }
}
