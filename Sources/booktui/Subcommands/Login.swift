import ArgumentParser
import BookClient
import BookTUI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension BooktuiCommand {
    /// single sign-on through the browser or a device code.
    struct Login: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Sign in: a local account (password prompted for at a terminal, else read from standard input) or single sign-on (--sso)."
        )
        @OptionGroup var options: ServerOptions
        /// A local account's username (its password comes on standard input).
        @Option(name: .long, help: "The username of a local account.") var username: String?

        /// Sign in with the server's OpenID provider (Keycloak, glewlwyd, any other).
        @Flag(name: .long, help: "Sign in with the server's single sign-on provider (Keycloak or another).") var sso = false
        /// The device authorization grant.
        @Flag(name: .long, help: "With --sso: a code to approve on any device (the default over SSH or with no display).")
        var device = false
        /// Authorization code on a loopback redirect.
        @Flag(name: .long, help: "With --sso: open a browser here that comes back to booktui.") var browser = false
        /// Authorization code, the landing address pasted back.
        @Flag(name: .long, help: "With --sso: open the URL anywhere and paste back the address the browser lands on.") var paste =
            false
        /// Show the URL without starting a browser.
        @Flag(name: .long, help: "With --sso --browser: only show the URL, do not start a browser.") var noOpen = false
        /// A fixed loopback port, for providers that accept only registered redirect URIs exactly.
        @Option(
            name: .long,
            help:
                "With --sso --browser: listen on this port (register http://127.0.0.1:PORT/callback at a provider that wants exact redirect URIs)."
        )
        var port: UInt16?
        /// How long the loopback listener waits.
        @Option(name: .long, help: "With --sso --browser: seconds to wait for the browser.") var browserTimeout: Double = 180
        /// A QR code of the device-login address; nil: when standard output is a terminal.
        @Flag(
            name: .long, inversion: .prefixedNo,
            help: "With a device code: print a QR code of the address for a phone (default: when standard output is a terminal).")
        var qr: Bool?

        func validate() throws {
            let picked = [device, browser, paste].filter { $0 }.count
            if picked > 1 { throw ValidationError("Choose one of --device, --browser, --paste") }
            if picked == 1 && !sso { throw ValidationError("--device, --browser and --paste go with --sso") }
            if sso && username != nil {
                throw ValidationError("--sso signs in with the single sign-on provider; drop --username")
            }
            if !sso && username == nil { throw ValidationError("Give --username (local account) or --sso (single sign-on)") }
            if port != nil && (device || paste) { throw ValidationError("--port is for the browser sign-in (--browser)") }
            if port == 0 { throw ValidationError("--port must be between 1 and 65535") }
        }

        func run() throws {
            bootstrapLogging()
            let (client, _) = try options.makeClient()
            if sso { return try runSSO(client) }
            guard let line = PasswordPrompt.read(), !line.isEmpty else {
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
            // A server without single sign-on says so before any way of signing in is announced.
            let advert: Result<OIDCAdvert, APIError> = try blocking {
                do { return .success(try await client.ssoAdvert()) } catch { return .failure(asAPIError(error)) }
            }
            if case .failure(let e) = advert { try report(.failure(e), client) }
            let name = (try? advert.get())?.name ?? "the provider"
            let flow: SignInFlow
            if device {
                flow = .device; say("Signing in with \(name): a code to approve on another device (--device).")
            } else if browser || port != nil {
                flow = .loopback; say("Signing in with \(name) in a browser on this machine (--browser).")
            } else if paste {
                flow = .paste; say("Signing in with \(name) by pasting the address back (--paste).")
            } else {
                let choice = SignInFlow.choose(environment: ProcessInfo.processInfo.environment)
                flow = choice.flow
                let other = flow == .device ? "--browser or --paste" : "--device or --paste"
                say("Signing in with \(name) (\(flow.label)): \(choice.reason). Use \(other) to change.")
            }
            let r: Result<Profile, APIError>
            switch flow {
            case .device:
                let showQR = qr ?? (isatty(1) == 1)
                r = try blocking { await Self.deviceFlow(client, qr: showQR) }
            case .loopback:
                let open = !noOpen, wait = browserTimeout, fixed = port
                r = try blocking { await Self.loopbackFlow(client, open: open, timeout: wait, port: fixed) }
            case .paste: r = try blocking { await Self.pasteFlow(client) }
            }
            try report(r, client, via: " via \(name)")
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
                return .success(
                    try await client.finishDevice(g) { say("The provider asked to poll less often: every \(Int($0)) s.") })
            } catch { return .failure(asAPIError(error)) }
        }

        static func loopbackFlow(_ client: BookClient, open: Bool, timeout: Double, port: UInt16?) async -> Result<
            Profile, APIError
        > {
            do {
                let s = try await client.startBrowserSignIn(flow: .loopback, port: port)
                say("Open this address in a browser on this machine (waiting on \(s.redirectURI)):")
                say("  \(s.url)")
                if open {
                    switch BrowserOpener.live().open(s.url) {
                    case .success(let cmd): say("Started \(cmd); waiting up to \(Int(timeout)) s for the browser to come back…")
                    case .failure(let e): say("Could not open a browser (\(e.description)); open the address yourself.")
                    }
                }
                do { return .success(try await client.finishLoopback(s, timeout: timeout)) } catch {
                    // A provider that wants exact redirect URIs shows its refusal in the browser only.
                    say("If the provider refused the redirect address: " + s.registrationHint)
                    throw error
                }
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
                say(
                    "Logged in to \(client.server) as \(p.username)\(via)"
                        + (p.roles.map { " (roles: \($0.joined(separator: ", ")))" } ?? "") + ".")
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
