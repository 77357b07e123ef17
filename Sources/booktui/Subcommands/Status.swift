import ArgumentParser
import BookClient
import BookTUI
import Foundation

extension BooktuiCommand {
    /// `booktui status`: who, which server, roles, token expiry, where tokens live.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show who is signed in to which server, and until when.")
        @OptionGroup var options: ServerOptions

        /// Refresh the tokens first (against Keycloak for a single sign-on).
        @Flag(name: .long, help: "Refresh the tokens now (at the provider for a single sign-on), then show them.")
        var refresh = false

        func run() throws {
            bootstrapLogging()
            let (client, store) = try options.makeClient(remember: false)
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
                print(
                    "Roles:          \(p.roles.map { $0.isEmpty ? "(none)" : $0.joined(separator: ", ") } ?? "(server has no roles)")"
                )
                if let info = session?.oidc {
                    let how = SignInFlow(rawValue: info.flow)?.label ?? info.flow
                    print("Signed in with: single sign-on via \(info.displayName) (\(info.issuer), \(how))")
                    print("\(info.displayName) session: \(ssoState ?? "unknown")")
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
            case .failure(.unauthorized(let why)):
                print("Not signed in: \(why)")
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
            return "expires \(f.string(from: d))" + (left > 0 ? " (in \(Dates.duration(left)))" : " (expired)")
        }
    }
}
