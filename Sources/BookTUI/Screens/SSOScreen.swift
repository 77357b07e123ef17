import BookClient
import Foundation

/// "Sign in with Keycloak": one of three flows, chosen for the user (and why, in one line), which
/// `Tab` changes. The device grant shows the complete URL, the code large and a countdown; the
/// loopback flow shows the URL before starting the browser; the paste flow takes the address the
/// browser landed on. `Esc` cancels, `r` starts again.
public final class SSOScreen: Screen {
    enum Phase {
        case starting
        case device(DeviceGrant)
        case loopback(BrowserSignIn, opened: String?)
        case paste(BrowserSignIn)
        case failed(String)
    }

    var flow: SignInFlow
    var reason: String
    var phase: Phase = .starting
    /// Answers from an earlier start (before `r` or `Tab`) are dropped.
    var generation = 0
    var startedAt = Date()
    /// The browser is started only after the URL has been drawn once.
    var openWhenDrawn = false
    var drawnSinceReady = false
    let paste = Form([Field("address", "Address")])
    var pasteError: String?
    /// The device phase shows a QR code of the complete URL instead of the text (`Q`).
    var showQR = false
    /// A line under the waiting message (the message line shows the spinner meanwhile).
    var notice: String?
    let opener: BrowserOpener
    let loopbackTimeout: TimeInterval

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        opener: BrowserOpener? = nil, loopbackTimeout: TimeInterval = 180
    ) {
        let choice = SignInFlow.choose(environment: environment)
        flow = choice.flow
        reason = "Chosen because " + choice.reason + "."
        self.opener = opener ?? .live(environment: environment)
        self.loopbackTimeout = loopbackTimeout
    }

    public var title: String { "Sign in with \(providerName)" }
    /// The server's name for its provider, learnt when the screen appears.
    var providerName = "the provider"
    public var help: [(key: String, action: String)] {
        [
            ("Tab", "another way: code on another device → browser here → paste the address"),
            ("Q", "with a code: a QR code of the complete address, for a phone (Q again: back)"),
            ("c", "copy the address to your clipboard (OSC 52; works over SSH where the terminal allows it)"),
            ("r (Ctrl-R when pasting)", "start again (a new code or URL)"),
            ("Enter", "when pasting: check the pasted address"),
            ("Esc", "cancel and go back to the login screen"),
        ]
    }
    public var footer: String {
        if case .paste = phase { return "Enter check address · Tab other way · Ctrl-R start again · Esc cancel · F1 help" }
        if case .device = phase { return "Q QR code · c copy address · Tab other way · r start again · Esc cancel · F1 help" }
        return "Tab other way · r start again · Esc cancel · F1 help"
    }

    public func appeared(_ app: App) {
        providerName = app.capabilities.sso?.name ?? providerName
        if case .starting = phase { start(app) }
    }

    func start(_ app: App) {
        generation += 1
        let gen = generation
        app.cancelAll(onlyTop: true)
        phase = .starting
        pasteError = nil
        notice = nil
        paste.fields[0].text = ""
        openWhenDrawn = false
        drawnSinceReady = false
        startedAt = Date()
        switch flow {
        case .device:
            app.perform("Asking \(providerName) for a code", holdsKeys: false, { c in try await c.startDeviceSignIn() }) {
                [weak self] r in
                guard let self, gen == self.generation else { return }
                switch r {
                case .success(let g):
                    phase = .device(g)
                    waitForApproval(g, app, gen)
                case .failure(let e): fail(e, app)
                }
            }
        case .loopback, .paste:
            let f = flow
            app.perform("Preparing the sign-in address", holdsKeys: false, { c in try await c.startBrowserSignIn(flow: f) }) {
                [weak self] r in
                guard let self, gen == self.generation else { return }
                switch r {
                case .success(let s) where f == .loopback:
                    phase = .loopback(s, opened: nil)
                    openWhenDrawn = true
                    waitForBrowser(s, app, gen)
                case .success(let s): phase = .paste(s)
                case .failure(let e): fail(e, app)
                }
            }
        }
    }

    func waitForApproval(_ g: DeviceGrant, _ app: App, _ gen: Int) {
        app.perform("Waiting for approval", holdsKeys: false, { c in try await c.finishDevice(g) }) { [weak self] r in
            self?.finished(r, app, gen)
        }
    }

    func waitForBrowser(_ s: BrowserSignIn, _ app: App, _ gen: Int) {
        let timeout = loopbackTimeout
        app.perform("Waiting for the browser", holdsKeys: false, { c in try await c.finishLoopback(s, timeout: timeout) }) {
            [weak self] r in
            self?.finished(r, app, gen)
        }
    }

    func finished(_ r: Result<Profile, APIError>, _ app: App, _ gen: Int) {
        guard gen == generation else { return }
        switch r {
        case .success(let p):
            app.profile = p
            app.reset(to: BookListScreen())
            app.flash("Welcome, \(p.username) (signed in via \(providerName)).")
        case .failure(let e): fail(e, app)
        }
    }

    func fail(_ e: APIError, _ app: App) {
        if e == .cancelled {
            // Esc while waiting: back to the login screen.
            if app.top === self { app.pop() }
            return
        }
        phase = .failed(e.description)
    }

    public func tick(_ app: App) {
        guard openWhenDrawn, drawnSinceReady, case .loopback(let s, _) = phase else { return }
        openWhenDrawn = false
        switch opener.open(s.url) {
        case .success(let cmd):
            phase = .loopback(s, opened: "Opened with \(cmd); if no browser appeared, open the address yourself.")
        case .failure(let e):
            phase = .loopback(s, opened: "Could not open a browser (\(e.description)); open the address yourself.")
        }
    }

    // MARK: drawing

    public func draw(_ s: Surface, _ area: Rect, _ app: App) {
        var row = area.top + 1
        let left = area.left + 2, width = area.width - 4
        s.text(row, left, "Sign in with \(providerName): \(flow.label)", width: width, .header); row += 1
        s.text(row, left, reason + " Tab: another way.", width: width, .dim); row += 2
        switch phase {
        case .starting:
            s.text(row, left, "Contacting \(app.capabilities.sso?.issuer ?? "the provider")…", width: width)
        case .device(let g) where showQR:
            drawQR(s, area, row, g)
        case .device(let g):
            s.text(row, left, "Open this address on any device (phone, laptop) and approve (Q: as a QR code):", width: width);
            row += 1
            row = Address.draw(s, row, left + 2, width - 2, g.url)
            if g.verificationURIComplete != nil {
                s.text(row, left, "or open \(g.verificationURI) and type the code:", width: width, .dim)
            }
            row += 2
            row = drawBigCode(s, row, left + 2, g.userCode)
            row += 1
            let secs = Int(g.expiresAt.timeIntervalSinceNow.rounded(.up))
            if secs > 0 {
                s.text(
                    row, area.left + 2, String(format: "Code expires in %d:%02d · waiting for approval", secs / 60, secs % 60),
                    width: width, .warning)
            } else {
                s.text(row, area.left + 2, "The code has expired: press r for a new one.", width: width, .error)
            }
            if let notice { s.text(row + 2, left, notice, width: width, .ok) }
        case .loopback(let sign, let opened):
            s.text(row, left, "Sign in in the browser; it comes back to booktui by itself. The address:", width: width); row += 1
            row = Address.draw(s, row, left + 2, width - 2, sign.url)
            row += 1
            if let opened { s.text(row, left, opened, width: width, .dim); row += 1 }
            let remaining = Int(loopbackTimeout - Date().timeIntervalSince(startedAt))
            s.text(
                row, left, "Waiting for the browser at \(sign.redirectURI) (\(max(0, remaining)) s left)…", width: width, .warning
            )
            if let notice { s.text(row + 2, left, notice, width: width, .ok) }
        case .paste(let sign):
            s.text(row, left, "Open this address in any browser and sign in:", width: width); row += 1
            row = Address.draw(s, row, left + 2, width - 2, sign.url)
            row += 1
            s.text(row, left, "The browser then lands on a page that does not load (\(sign.redirectURI)?…).", width: width, .dim);
            row += 1
            s.text(row, left, "Copy that page's whole address, paste it here and press Enter:", width: width); row += 2
            row = paste.draw(s, top: row, left: left, width: width, labelWidth: 9, boxWidth: width - 10)
            if let e = pasteError { s.text(row + 1, left, e, width: width, .error) }
        case .failed(let m):
            s.text(row, left, m, width: width, .error); row += 2
            s.text(row, left, "r starts again · Tab tries another way · Esc goes back", width: width, .dim)
        }
        drawnSinceReady = true
    }

    /// The complete URL as a QR code (half blocks, dark on light via the status colours), the
    /// code and the countdown beside it; or why it does not fit.
    func drawQR(_ s: Surface, _ area: Rect, _ top: Int, _ g: DeviceGrant) {
        let left = area.left + 2, width = area.width - 4
        guard let qr = QRCode(g.url) else {
            s.text(top, left, "The address is too long for a QR code; Q goes back.", width: width, .warning)
            return
        }
        let lines = qr.halfBlockLines(quiet: 2)
        let qrWidth = lines.first?.count ?? 0
        guard top + lines.count <= area.bottom, qrWidth + 4 <= area.width else {
            s.text(
                top, left, "The terminal is too small for the QR code (it needs \(qrWidth + 4)×\(lines.count + 5)); Q goes back.",
                width: width, .warning)
            return
        }
        Address.drawQR(s, top, left, lines)
        let textLeft = left + qrWidth + 3
        if textLeft + 20 <= area.left + area.width {
            let w = area.left + area.width - textLeft - 1
            s.text(top + 1, textLeft, "Scan with a phone, sign in", width: w)
            s.text(top + 2, textLeft, "and approve the code:", width: w)
            _ = drawBigCode(s, top + 4, textLeft, g.userCode)
            let secs = Int(g.expiresAt.timeIntervalSinceNow.rounded(.up))
            s.text(
                top + 8, textLeft, secs > 0 ? String(format: "Expires in %d:%02d", secs / 60, secs % 60) : "Expired: press r",
                width: w, secs > 0 ? .warning : .error)
            s.text(top + 10, textLeft, "Q: back to the address", width: w, .dim)
        }
    }

    /// The user code, spaced out in a double box, so it reads at a glance from another screen.
    func drawBigCode(_ s: Surface, _ row: Int, _ left: Int, _ code: String) -> Int {
        let spaced = code.map(String.init).joined(separator: " ")
        let inner = spaced.count + 6
        s.text(row, left, "╔" + String(repeating: "═", count: inner) + "╗", width: inner + 2, .header)
        s.text(row + 1, left, "║   " + spaced + "   ║", width: inner + 2, .header)
        s.text(row + 2, left, "╚" + String(repeating: "═", count: inner) + "╝", width: inner + 2, .header)
        return row + 3
    }

    // MARK: keys

    public func handle(_ key: Key, _ app: App) {
        switch key {
        case .escape:
            generation += 1
            app.cancelAll(onlyTop: true)
            app.pop()
        case .function(1): app.push(HelpScreen(of: self))
        case .tab:
            let cycle: [SignInFlow] = [.device, .loopback, .paste]
            flow = cycle[(cycle.firstIndex(of: flow)! + 1) % cycle.count]
            reason = "Changed by you."
            start(app)
        case .ctrl("r"): start(app)
        default:
            if case .paste(let sign) = phase {
                if key == .enter { submitPaste(sign, app) } else { _ = paste.handle(key) }
            } else if key == .char("r") {
                start(app)
            } else if key == .char("Q") || key == .char("q") {
                showQR.toggle()
            } else if key == .char("c") {
                copyAddress(app)
            }
        }
    }

    /// The address on screen, to the clipboard of the user's own terminal.
    func copyAddress(_ app: App) {
        let url: String
        switch phase {
        case .device(let g): url = g.url
        case .loopback(let sign, _): url = sign.url
        default: return
        }
        if let copied = Address.copy(url, app) { notice = copied }
    }

    func submitPaste(_ sign: BrowserSignIn, _ app: App) {
        let text = paste.fields[0].value
        pasteError = nil
        let gen = generation
        app.perform("Checking the address", { c in try await c.finishPaste(sign, pasted: text) }) { [weak self] r in
            guard let self, gen == self.generation else { return }
            if case .failure(let e) = r, e != .cancelled {
                pasteError = e.description
                return
            }
            finished(r, app, gen)
        }
    }
}
