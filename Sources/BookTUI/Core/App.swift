import BookClient
import Foundation

/// Results of network work, handed from background tasks to the UI thread.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(Int, Result<any Sendable, any Error>)] = []

    func post(_ id: Int, _ r: Result<any Sendable, any Error>) {
        lock.lock(); items.append((id, r)); lock.unlock()
    }

    func drain() -> [(Int, Result<any Sendable, any Error>)] {
        lock.lock(); defer { lock.unlock() }
        let out = items
        items.removeAll()
        return out
    }
}

/// The application: a stack of screens, the shared session state, and the run loop that reads
/// keys, hands network results to screens, and draws. Everything here runs on one thread; network
/// calls run as tasks elsewhere and come back through the mailbox, so drawing never waits on them.
public final class App {
    public let client: BookClient
    /// What the server offers (the client learns it): every screen asks this.
    public var capabilities: Capabilities { client.capabilities.current }
    public var profile: Profile?
    public private(set) var stack: [Screen] = []
    public var running = true
    /// The status booktui exits with: 0 when the user quits, 130 (128 + SIGINT) after Ctrl-C, as
    /// a shell reports a program interrupted by Ctrl-C. (Ctrl-C reaches us as a key in raw mode.)
    public private(set) var exitStatus: Int32 = 0
    /// Seconds on a monotonic clock; replaceable in tests.
    public var clock: () -> Double = { ProcessInfo.processInfo.systemUptime }

    /// The message line's text, for a few seconds, and only while the screen it was said on (or,
    /// for a dialog's answer, the screen under it) is on top: it is not carried to the next one.
    var flashText: (text: String, style: Style, until: Double, owner: ObjectIdentifier?)?
    struct Pending {
        let label: String
        /// The screen that asked; `Esc` cancels only the calls of the screen on top, so a list
        /// still loading below a form does not swallow the form's `Esc`.
        let owner: ObjectIdentifier?
        let epoch: Int
        /// Whether keys wait for this call (see `typeAhead`).
        let holdsKeys: Bool
        let task: Task<Void, Never>
        let deliver: (Result<any Sendable, any Error>) -> Void
    }
    var pending: [Int: Pending] = [:]
    var pendingOrder: [Int] = []
    var nextID = 0
    let mailbox = Mailbox()

    /// Keys typed while the screen on top waits for a call that holds keys (a save, a lookup, a
    /// first load). They are handed over in order once the call is answered, to whatever screen is
    /// on top then: typing ahead of a slow server (or a barcode scanner's burst) lands every key in
    /// the form it was meant for, as if the server had answered at once.
    var typeAhead: [Key] = []

    /// Sends an escape sequence that draws nothing to the terminal (OSC 52); set while running.
    public var passThrough: ((String) -> Void)?

    /// Puts `text` on the clipboard of the terminal the user sits at (OSC 52: over SSH too, where
    /// the terminal allows it). Returns false when there is no terminal.
    @discardableResult
    public func copyToClipboard(_ text: String) -> Bool {
        guard let passThrough else { return false }
        passThrough("\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}")
        return true
    }

    /// Where a book form being typed is kept; nil keeps nothing.
    public let drafts: DraftStore?

    public init(client: BookClient, drafts: DraftStore? = nil) {
        self.client = client
        self.drafts = drafts
    }

    // MARK: screens

    public func push(_ s: Screen) { stack.append(s); s.appeared(self) }

    public func pop() {
        guard stack.count > 1 else { running = false; return }
        let gone = stack.removeLast()
        // A dialog or help closing is not the screen below coming back: no reload.
        if !gone.isOverlay { stack.last?.appeared(self) }
    }

    /// Replaces the whole stack (after login or logout). Calls still in flight belong to the
    /// old session: their answers are dropped, so a late profile cannot sign a user back in.
    public func reset(to s: Screen) {
        sessionEpoch += 1
        for p in pending.values { p.task.cancel() }
        pending.removeAll()
        pendingOrder.removeAll()
        stack = [s]
        s.appeared(self)
    }
    var sessionEpoch = 0

    public var top: Screen? { stack.last }

    /// A message in the message line for a few seconds.
    public func flash(_ text: String, _ style: Style = .ok, seconds: Double = 6) {
        flashText = (text, style, clock() + seconds, fullScreenID)
    }

    public func confirm(_ question: String, onYes: @escaping (App) -> Void) {
        push(ConfirmDialog(question: question, onYes: onYes))
    }

    // MARK: network work

    public var isBusy: Bool { !pending.isEmpty }
    public var busyLabel: String? { pendingOrder.last.flatMap { pending[$0]?.label } }

    var topID: ObjectIdentifier? { top.map { ObjectIdentifier($0) } }
    /// The screen on top, or the one under the dialogs on top.
    var fullScreenID: ObjectIdentifier? { stack.last(where: { !$0.isOverlay }).map { ObjectIdentifier($0) } }
    /// Calls that the screen on top is waiting for.
    var topIsWaiting: Bool { pending.values.contains { $0.owner == topID } }
    /// Whether keys typed now are held back until the top screen's call is answered.
    var holdingKeys: Bool { pending.values.contains { $0.owner == topID && $0.holdsKeys } }

    /// Runs `op` off the UI thread; `done` runs on the UI thread with the result.
    /// - Parameters:
    ///   - owner: the screen waiting for it (default: the one on top).
    ///   - holdsKeys: keys typed meanwhile wait for the answer (the default). False for calls the
    ///     user works beside: a long wait for a browser or device approval, a page fetched while
    ///     scrolling.
    public func perform<T: Sendable>(
        _ label: String, owner: AnyObject? = nil, holdsKeys: Bool = true,
        _ op: @escaping @Sendable (BookClient) async throws -> T,
        done: @escaping (Result<T, APIError>) -> Void
    ) {
        let id = nextID
        nextID += 1
        let client = self.client
        let mailbox = self.mailbox
        let task = Task.detached {
            do { mailbox.post(id, .success(try await op(client))) } catch { mailbox.post(id, .failure(error)) }
        }
        pending[id] = Pending(
            label: label, owner: owner.map { ObjectIdentifier($0) } ?? topID, epoch: sessionEpoch,
            holdsKeys: holdsKeys, task: task,
            deliver: { r in
                switch r {
                case .success(let v): done(.success(v as! T))
                case .failure(let e): done(.failure(e as? APIError ?? .unreachable(String(describing: e))))
                }
            })
        pendingOrder.append(id)
    }

    /// Cancels every call in flight (or only those of the top screen); their screens hear `.cancelled`.
    /// Keys typed ahead of them were meant for what the calls would have led to: they are dropped,
    /// and the user is told how many.
    public func cancelAll(onlyTop: Bool = false) {
        let owner = topID
        if !typeAhead.isEmpty {
            let n = typeAhead.count
            typeAhead.removeAll()
            flash("Cancelled; \(n) key\(n == 1 ? "" : "s") typed meanwhile dropped.", .warning)
        }
        let ids = pendingOrder
        for id in ids {
            guard let p = pending[id], !onlyTop || p.owner == owner else { continue }
            pending[id] = nil
            pendingOrder.removeAll { $0 == id }
            p.task.cancel()
            p.deliver(.failure(APIError.cancelled))
        }
    }

    /// Hands finished results to their screens. Returns whether anything arrived.
    @discardableResult
    public func deliverResults() -> Bool {
        let items = mailbox.drain()
        for (id, r) in items {
            guard let p = pending.removeValue(forKey: id) else { continue }  // cancelled meanwhile
            pendingOrder.removeAll { $0 == id }
            if p.epoch == sessionEpoch { p.deliver(r) }
        }
        deliverTypeAhead()
        return !items.isEmpty
    }

    /// Hands held keys to the screen on top, in order, until one of them starts a call that holds
    /// keys again (the rest wait for that one).
    func deliverTypeAhead() {
        while !typeAhead.isEmpty && !holdingKeys && running {
            top?.handle(typeAhead.removeFirst(), self)
        }
    }

    /// Waits (in tests and scripts) until no call is in flight.
    public func settle(timeout: Double = 10) {
        let end = clock() + timeout
        while isBusy && clock() < end {
            if !deliverResults() { usleep(5_000) }
        }
    }

    /// What to do after a call failed in a way that is not the screen's business.
    public func report(_ e: APIError) {
        switch e {
        case .signedOut:
            profile = nil
            reset(to: LoginScreen(message: "Your session has ended; please log in again."))
        case .cancelled:
            flash("Cancelled", .warning)
        default:
            flash(e.description, .error, seconds: 10)
        }
    }

    // MARK: keys and drawing

    public static let minRows = 24, minCols = 80

    public func handle(_ key: Key, size: (rows: Int, cols: Int)) {
        if key == .ctrl("c") { running = false; exitStatus = 130; return }
        if key == .resize { return }
        if size.rows < Self.minRows || size.cols < Self.minCols { return }
        if key == .escape && topIsWaiting { cancelAll(onlyTop: true); return }
        if holdingKeys || !typeAhead.isEmpty { typeAhead.append(key); return }
        top?.handle(key, self)
    }

    public func draw(_ s: Surface) {
        s.clear()
        s.setCursor(nil)
        if s.rows < Self.minRows || s.cols < Self.minCols {
            let lines = [
                "Terminal too small: \(s.cols)x\(s.rows).",
                "booktui needs at least \(Self.minCols)x\(Self.minRows).",
                "Make the window bigger (Ctrl-C quits).",
            ]
            for (i, l) in lines.enumerated() where i < s.rows {
                s.text(max(0, s.rows / 2 - 1) + i < s.rows ? max(0, s.rows / 2 - 1) + i : i, 0, l, width: s.cols)
            }
            return
        }
        drawStatusLine(s)
        let area = Rect(top: 1, left: 0, height: s.rows - 3, width: s.cols)
        // Draw from the last full screen upwards so dialogs appear over what they belong to.
        var first = stack.count - 1
        while first > 0 && stack[first].isOverlay { first -= 1 }
        if first >= 0 {
            for i in first..<stack.count {
                if i < stack.count - 1 { s.setCursor(nil) }
                stack[i].draw(s, area, self)
            }
        }
        drawMessageLine(s)
        s.line(s.rows - 1, " " + (top?.footer(self) ?? ""), .status)
    }

    /// The single sign-on provider's name, as the server calls it ("Keycloak", "Glewlwyd", …).
    var providerName: String { capabilities.sso?.name ?? "single sign-on" }

    func drawStatusLine(_ s: Surface) {
        var parts = ["booktui", client.server]
        if let p = profile {
            let roles = p.roles.map { $0.isEmpty ? "no roles" : $0.joined(separator: ",") }
            // "via <provider>" before the roles: a provider's role lists are long and get cut.
            parts.append(p.username + (p.authSource == "oidc" ? " via \(providerName)" : "") + (roles.map { " (\($0))" } ?? ""))
        } else {
            parts.append("not signed in")
        }
        if let t = top?.title { parts.append(t) }
        s.line(0, " " + parts.joined(separator: " │ "), .title)
    }

    static let spinner = Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")

    func drawMessageLine(_ s: Surface) {
        let row = s.rows - 2
        if let label = busyLabel {
            let frame = Self.spinner[Int(clock() * 10) % Self.spinner.count]
            let held = typeAhead.isEmpty ? "" : " \(typeAhead.count) key\(typeAhead.count == 1 ? "" : "s") typed ahead"
            s.line(row, " \(frame) \(label)…" + held + (topIsWaiting ? "  (Esc cancels)" : ""), .warning)
        } else if let f = flashText, f.until > clock(), f.owner == nil || f.owner == fullScreenID {
            s.line(row, " " + f.text, f.style)
        }
    }

    // MARK: the run loop

    /// Runs until the user quits. The terminal is restored on every way out of here; signals
    /// are handled by the driver's handlers.
    public func run(terminal: CursesTerminal) {
        terminal.start()
        passThrough = { [weak terminal] in terminal?.passThrough($0) }
        defer { passThrough = nil; terminal.stop() }
        while running {
            deliverResults()
            top?.tick(self)
            draw(terminal)
            terminal.present()
            if let key = terminal.readKey() {
                // Results that came in while waiting for the key count first: Esc should not
                // cancel a call that has in fact finished.
                deliverResults()
                handle(key, size: (terminal.rows, terminal.cols))
            }
        }
        cancelAll()
    }
}
