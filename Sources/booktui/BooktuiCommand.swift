import ArgumentParser
import BookClient
import BookTUI
import Foundation
import Logging

/// Options every subcommand shares.
struct ServerOptions: ParsableArguments {
    /// The server to talk to.
    @Option(name: .long, help: "Server base URL (default: $BOOKTUI_SERVER, else the last one used, else http://127.0.0.1:8000).")
    var server: String?

    /// Seconds to wait for any one request.
    @Option(name: .long, help: "Seconds to wait for the server on each request.")
    var timeout: Double = 15

    func validate() throws {
        if let s = server, URL(string: s)?.scheme == nil {
            throw ValidationError("--server needs a URL like http://127.0.0.1:8000")
        }
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    /// Opens the token store and the client; explains and fails if the token files are open to others.
    func makeClient() throws -> (BookClient, TokenStore) {
        let env = ProcessInfo.processInfo.environment
        let store = TokenStore(directory: TokenStore.defaultDirectory(environment: env))
        do {
            try store.checkPermissions()
            let explicit = server ?? env["BOOKTUI_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
            let url = explicit ?? store.lastServer() ?? "http://127.0.0.1:8000"
            if explicit != nil { try store.setLastServer(url) }
            return (try BookClient(server: url, store: store, timeout: timeout), store)
        } catch let e as TokenStoreError {
            FileHandle.standardError.write(Data("booktui: \(e.description)\n".utf8))
            throw ExitCode(3)
        }
    }
}

/// Runs async work from a synchronous command, keeping the main thread for the terminal.
final class ResultBox<T>: @unchecked Sendable { var result: Result<T, Error>? }

func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Log lines would tear the full-screen UI, so the app logs nothing; the script subcommands log
/// to standard error at debug level when `BOOKTUI_DEBUG` is set. Tokens are never logged.
func bootstrapLogging(tui: Bool = false) {
    let debug = !(ProcessInfo.processInfo.environment["BOOKTUI_DEBUG"] ?? "").isEmpty
    LoggingSystem.bootstrap { label in
        guard debug && !tui else { return SwiftLogNoOpLogHandler() }
        var h = StreamLogHandler.standardError(label: label)
        h.logLevel = .debug
        return h
    }
}

struct BooktuiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "booktui",
        abstract: "A full-screen terminal client for the book catalogue.",
        discussion: "Without a subcommand, opens the full-screen app. Tokens live in $XDG_CONFIG_HOME/booktui/ (0600).",
        version: BookClientVersion.version,
        subcommands: [Status.self, Logout.self, Login.self]
    )

    @OptionGroup var options: ServerOptions

    /// Turns colours off (also done by the NO_COLOR environment variable).
    @Flag(name: .long, help: "No colours (also when NO_COLOR is set).")
    var monochrome = false

    func run() throws {
        bootstrapLogging(tui: true)
        let (client, store) = try options.makeClient()
        let noColor = monochrome || !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let app = App(client: client, drafts: DraftStore(store: store))
        app.reset(to: LoginScreen())
        app.run(terminal: CursesTerminal(monochrome: noColor))
    }
}

extension BooktuiCommand {
    /// `booktui status`: who, which server, roles, token expiry, where tokens live.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show who is signed in to which server, and until when.")
        @OptionGroup var options: ServerOptions

        /// Refresh the tokens first (against Keycloak for a single sign-on).
        @Flag(name: .long, help: "Refresh the tokens now (against Keycloak for a single sign-on), then show them.")
        var refresh = false

        func run() throws {
            bootstrapLogging()
            let (client, store) = try options.makeClient()
            print("Server:         \(client.server)")
            let refreshFirst = refresh
            let outcome: Result<(Profile, StoredSession?, String?), APIError> = try blocking {
                do {
                    if refreshFirst { try await client.refreshNow() }
                    let p = try await client.profile()
                    return .success((p, await client.currentSession(), await client.ssoSessionState()))
                } catch let e as APIError { return .failure(e) }
            }
            switch outcome {
            case .success(let (p, session, ssoState)):
                print("User:           \(p.username)")
                print("Roles:          \(p.roles.map { $0.isEmpty ? "(none)" : $0.joined(separator: ", ") } ?? "(server has no roles)")")
                if let info = session?.oidc {
                    let how = SignInFlow(rawValue: info.flow)?.label ?? info.flow
                    print("Signed in with: single sign-on via Keycloak (\(info.issuer), \(how))")
                    print("Keycloak session: \(ssoState ?? "unknown")")
                } else {
                    print("Signed in with: \(p.authSource == "oidc" ? "single sign-on" : "local account")")
                }
                if let s = session {
                    print("Access token:   \(Self.expiry(JWTClaims.expiry(s.access)))")
                    print("Refresh token:  \(Self.expiry(s.refreshExpiresAt ?? JWTClaims.expiry(s.refresh)))")
                }
                print("Tokens in:      \(store.tokensPath) (mode 600)")
            case .failure(.signedOut):
                print("Not signed in.")
                throw ExitCode(1)
            case .failure(let e):
                print("Error:          \(e.description)")
                throw ExitCode(2)
            }
        }

        static func expiry(_ date: Date?) -> String {
            guard let d = date else { return "expiry unknown" }
            let f = ISO8601DateFormatter()
            let left = Int(d.timeIntervalSinceNow)
            return "expires \(f.string(from: d))" + (left > 0 ? " (in \(left / 60) min \(left % 60) s)" : " (expired)")
        }
    }

    /// `booktui logout`: sign out as far as asked; for single sign-on, the Keycloak session too.
    struct Logout: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign out: revoke the session on the server (and end the Keycloak session) and delete local tokens.",
            discussion: "For a Keycloak sign-in the default ends the Keycloak session everywhere (single sign-out).")
        @OptionGroup var options: ServerOptions

        /// Only forget the tokens here.
        @Flag(name: .long, help: "Only delete the tokens on this machine; tell nobody.")
        var localOnly = false

        /// Revoke, but leave the Keycloak session (other apps) alone.
        @Flag(name: .long, help: "Revoke these tokens but keep the Keycloak session of other apps.")
        var keepKeycloakSession = false

        /// Print the provider's logout page URL (id_token_hint) to open in a browser.
        @Flag(name: .long, help: "Also print the Keycloak logout page URL (RP-initiated logout) to open in a browser.")
        var browserLogout = false

        func validate() throws {
            if localOnly && keepKeycloakSession { throw ValidationError("--local-only and --keep-keycloak-session exclude each other") }
        }

        func run() throws {
            bootstrapLogging()
            let (client, _) = try options.makeClient()
            let strength: SignOutStrength = localOnly ? .local : keepKeycloakSession ? .revoke : .everywhere
            let wantURL = browserLogout
            let r = try blocking { await client.signOut(strength, browserLogout: wantURL) }
            guard r.wasSignedIn else {
                print("Not signed in to \(client.server).")
                return
            }
            if !r.viaSSO && strength != .local, let server = r.steps.first {
                // A local account: one line, as scripts have read it since issue 3.
                if case .failed(let why) = server.outcome {
                    print("Logged out locally: local tokens deleted, but the server could not revoke the session (\(why)).")
                } else {
                    print("Logged out of \(client.server): the session was revoked on the server and local tokens deleted.")
                }
                return
            }
            print("Signing out of \(client.server)\(r.viaSSO ? " (signed in via Keycloak)" : ""):")
            for step in r.steps { print("  " + step.line) }
            if let url = r.browserLogoutURL { print("Keycloak's logout page: \(url)") }
            print(r.allDone ? "Logged out." : "Logged out locally; some steps failed (see above).")
        }
    }

    /// `booktui login`: sign in from a script, the password read from standard input, or with
    /// single sign-on through the browser or a device code.
    struct Login: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign in: a local account (password on standard input) or single sign-on (--sso).")
        @OptionGroup var options: ServerOptions
        @Option(name: .long, help: "The username of a local account.") var username: String?

        /// Sign in with the server's OpenID provider (Keycloak).
        @Flag(name: .long, help: "Sign in with Keycloak (the server's single sign-on).") var sso = false
        @Flag(name: .long, help: "With --sso: a code to approve on any device (the default over SSH or with no display).") var device = false
        @Flag(name: .long, help: "With --sso: open a browser here that comes back to booktui.") var browser = false
        @Flag(name: .long, help: "With --sso: open the URL anywhere and paste back the address the browser lands on.") var paste = false
        @Flag(name: .long, help: "With --sso --browser: only show the URL, do not start a browser.") var noOpen = false
        @Option(name: .long, help: "With --sso --browser: seconds to wait for the browser.") var browserTimeout: Double = 180
        @Flag(name: .long, inversion: .prefixedNo,
              help: "With a device code: print a QR code of the address for a phone (default: when standard output is a terminal).")
        var qr: Bool?

        func validate() throws {
            let picked = [device, browser, paste].filter { $0 }.count
            if picked > 1 { throw ValidationError("Choose one of --device, --browser, --paste") }
            if picked == 1 && !sso { throw ValidationError("--device, --browser and --paste go with --sso") }
            if sso && username != nil { throw ValidationError("--sso signs in with Keycloak; drop --username") }
            if !sso && username == nil { throw ValidationError("Give --username (local account) or --sso (Keycloak)") }
        }

        func run() throws {
            bootstrapLogging()
            let (client, _) = try options.makeClient()
            if sso { return try runSSO(client) }
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("Give the password on standard input.")
            }
            let user = username ?? ""
            let r: Result<Profile, APIError> = try blocking {
                do {
                    try await client.login(username: user, password: line)
                    return .success(try await client.profile())
                } catch let e as APIError { return .failure(e) }
            }
            try report(r, client)
        }

        func runSSO(_ client: BookClient) throws {
            let flow: SignInFlow
            if device { flow = .device; say("Signing in with Keycloak: a code to approve on another device (--device).") }
            else if browser { flow = .loopback; say("Signing in with Keycloak in a browser on this machine (--browser).") }
            else if paste { flow = .paste; say("Signing in with Keycloak by pasting the address back (--paste).") }
            else {
                let choice = SignInFlow.choose(environment: ProcessInfo.processInfo.environment)
                flow = choice.flow
                let other = flow == .device ? "--browser or --paste" : "--device or --paste"
                say("Signing in with Keycloak (\(flow.label)): \(choice.reason). Use \(other) to change.")
            }
            let r: Result<Profile, APIError>
            switch flow {
            case .device:
                let showQR = qr ?? (isatty(1) == 1)
                r = try blocking { await Self.deviceFlow(client, qr: showQR) }
            case .loopback:
                let open = !noOpen, wait = browserTimeout
                r = try blocking { await Self.loopbackFlow(client, open: open, timeout: wait) }
            case .paste: r = try blocking { await Self.pasteFlow(client) }
            }
            try report(r, client, via: " via Keycloak")
        }

        static func deviceFlow(_ client: BookClient, qr: Bool) async -> Result<Profile, APIError> {
            do {
                let g = try await client.startDeviceSignIn()
                say("Open this address on any device and approve the sign-in:")
                say("  \(g.url)")
                if qr, let code = QRCode(g.url) {
                    // Dark on light whatever the terminal's colours, unless colours are off.
                    let colour = isatty(1) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
                    say("or scan this with a phone:")
                    for line in code.halfBlockLines(quiet: 2) {
                        say(colour ? "  \u{1B}[30;47m" + line + "\u{1B}[0m" : "  " + line)
                    }
                }
                if g.verificationURIComplete != nil { say("(or open \(g.verificationURI) and enter the code)") }
                say("Code: \(g.userCode)")
                say("Waiting for approval (the code expires in \(Int(g.expiresAt.timeIntervalSinceNow / 60)) min)…")
                return .success(try await client.finishDevice(g) { say("The provider asked to poll less often: every \(Int($0)) s.") })
            } catch { return .failure(asAPIError(error)) }
        }

        static func loopbackFlow(_ client: BookClient, open: Bool, timeout: Double) async -> Result<Profile, APIError> {
            do {
                let s = try await client.startBrowserSignIn(flow: .loopback)
                say("Open this address in a browser on this machine (waiting on \(s.redirectURI)):")
                say("  \(s.url)")
                if open {
                    switch BrowserOpener.live().open(s.url) {
                    case .success(let cmd): say("Started \(cmd); waiting up to \(Int(timeout)) s for the browser to come back…")
                    case .failure(let e): say("Could not open a browser (\(e.description)); open the address yourself.")
                    }
                }
                return .success(try await client.finishLoopback(s, timeout: timeout))
            } catch { return .failure(asAPIError(error)) }
        }

        static func pasteFlow(_ client: BookClient) async -> Result<Profile, APIError> {
            do {
                let s = try await client.startBrowserSignIn(flow: .paste)
                say("Open this address in any browser and sign in:")
                say("  \(s.url)")
                say("The browser then lands on a page that does not load (\(s.redirectURI)?…).")
                say("Paste that page's whole address here and press Enter:")
                guard let line = readLine(strippingNewline: true) else { return .failure(.cancelled) }
                return .success(try await client.finishPaste(s, pasted: line))
            } catch { return .failure(asAPIError(error)) }
        }

        func report(_ r: Result<Profile, APIError>, _ client: BookClient, via: String = "") throws {
            switch r {
            case .success(let p):
                say("Logged in to \(client.server) as \(p.username)\(via)" + (p.roles.map { " (roles: \($0.joined(separator: ", ")))" } ?? "") + ".")
            case .failure(let e):
                FileHandle.standardError.write(Data("booktui: \(e.description)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

/// A line on standard output at once (print is block-buffered into a pipe, and a script waiting
/// for the device code must see it before the wait).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func asAPIError(_ error: Error) -> APIError {
    if let e = error as? APIError { return e }
    if error is CancellationError { return .cancelled }
    return .sso(String(describing: error))
}
