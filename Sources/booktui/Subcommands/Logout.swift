import ArgumentParser
import BookClient
import BookTUI
import Foundation

extension BooktuiCommand {
    /// `booktui logout`: sign out as far as asked; for single sign-on, the provider's session too.
    struct Logout: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign out: revoke the session on the server (and end the single sign-on session) and delete local tokens.",
            discussion:
                "For a single sign-on (Keycloak or another provider) the default ends the provider's session everywhere (single sign-out)."
        )
        @OptionGroup var options: ServerOptions

        /// Only forget the tokens here.
        @Flag(name: .long, help: "Only delete the tokens on this machine; tell nobody.")
        var localOnly = false

        /// Revoke, but leave the provider's session (other apps) alone.
        @Flag(name: .long, help: "Revoke these tokens but keep the single sign-on session (Keycloak or another) of other apps.")
        var keepKeycloakSession = false

        /// Print the provider's logout page URL (id_token_hint) to open in a browser.
        @Flag(name: .long, help: "Also print the provider's logout page URL (RP-initiated logout) to open in a browser.")
        var browserLogout = false

        /// `url` as an OSC 8 hyperlink on a terminal (the address stays the visible text, so it
        /// can be copied where links are not clickable); plain when piped or when it holds controls.
        static func link(_ url: String, onTerminal: Bool) -> String {
            guard onTerminal, !url.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return url }
            return "\u{1B}]8;;\(url)\u{1B}\\\(url)\u{1B}]8;;\u{1B}\\"
        }

        func validate() throws {
            if localOnly && keepKeycloakSession {
                throw ValidationError("--local-only and --keep-keycloak-session exclude each other")
            }
        }

        func run() throws {
            bootstrapLogging()
            let (client, _) = try options.makeClient(remember: false)
            let strength: SignOutStrength = localOnly ? .local : keepKeycloakSession ? .revoke : .everywhere
            // The logout page is also what is left when the provider's session could not be ended.
            let wantURL = browserLogout || strength == .everywhere
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
            let provider = r.providerName ?? "the provider"
            print("Signing out of \(client.server)\(r.viaSSO ? " (signed in via \(provider))" : ""):")
            for step in r.steps { print("  " + step.line) }
            let remains = r.providerSessionMayRemain
            if let url = r.browserLogoutURL, browserLogout || remains {
                print("\(provider)'s logout page: \(Self.link(url, onTerminal: isatty(1) != 0))")
                if remains, isatty(1) != 0, let code = QRCode(url) {
                    print("Open it to end the session there, or scan this with a phone:")
                    for line in code.halfBlockLines() { print("  " + line) }
                }
            }
            print(r.allDone ? "Logged out." : "Logged out locally; some steps failed (see above).")
            // Scripts must know: the single sign-on session may still let others in as this user.
            if remains { throw ExitCode(1) }
        }
    }

    /// `booktui login`: sign in from a script, the password read from standard input, or with
}
