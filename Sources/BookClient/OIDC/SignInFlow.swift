/// The three ways to sign in with the OpenID provider.
public enum SignInFlow: String, Sendable, CaseIterable {
    /// Authorization code + PKCE, the browser sent back to a listener on 127.0.0.1.
    case loopback
    /// The device authorization grant (RFC 8628): the user approves on any device.
    case device
    /// The user opens the URL anywhere and pastes back the URL the browser landed on.
    case paste

    /// The flow that fits this environment, and one line that says why.
    ///
    /// Over SSH a browser would open on the wrong machine (or not at all); with no display and no
    /// `$BROWSER` there is nothing to open: the device grant works in both cases.
    public static func choose(environment env: [String: String]) -> (flow: SignInFlow, reason: String) {
        func set(_ k: String) -> Bool { !(env[k] ?? "").isEmpty }
        if set("SSH_CONNECTION") || set("SSH_TTY") {
            return (.device, "this is an SSH session, so a browser here would open on the wrong machine")
        }
        if !set("DISPLAY") && !set("WAYLAND_DISPLAY") && !set("BROWSER") {
            return (.device, "there is no display and no $BROWSER to open a browser with")
        }
        let with = set("BROWSER") ? "$BROWSER" : "xdg-open"
        return (.loopback, "a browser can open here (\(with)), and it comes back to booktui by itself")
    }

    /// How the screens and `status` name it.
    public var label: String {
        switch self {
        case .loopback: return "browser on this machine"
        case .device: return "code on another device"
        case .paste: return "paste the address back"
        }
    }
}
