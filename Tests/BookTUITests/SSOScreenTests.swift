import BookClient
import Testing

@testable import BookTUI

/// The single sign-on screens drawn on a character grid, with no server and no browser started.
@Suite("Sign in with Keycloak, without a terminal")
struct SSOScreenTests {
    init() { _ = utf8Locale }

    func app() throws -> App {
        let a = App(client: try BookClient(server: "http://127.0.0.1:9", store: nil, timeout: 2))
        a.client.capabilities.learn(
            AuthConfig(
                local: true, registration: true,
                oidc: OIDCAdvert(issuer: "http://127.0.0.1:9/realms/books", clientId: "booktui"), extended: true))
        return a
    }

    static let noBrowser = BrowserOpener { _ in .failure(.sso("not in tests")) }

    @Test func theLoginScreenOffersKeycloakInTheBodyAndTheFooter() throws {
        // setup
        let a = try app()
        a.reset(to: LoginScreen())
        a.cancelAll()
        // exercise
        let g = GridSurface(rows: 24, cols: 100)
        a.draw(g)
        // validate
        #expect(g.text.contains("Ctrl-O  Sign in with Keycloak (http://127.0.0.1:9/realms/books)"))
        #expect(g.row(23).contains("Ctrl-O sign in with Keycloak"))
    }

    @Test(arguments: [
        ([String: String](), "code on another device", "no display"),
        (["SSH_TTY": "/dev/pts/1", "DISPLAY": ":0"], "code on another device", "SSH session"),
        (["DISPLAY": ":0"], "browser on this machine", "xdg-open"),
    ])
    func theChosenWayAndWhyAreShown(env: [String: String], way: String, why: String) throws {
        let a = try app()
        a.reset(to: LoginScreen())
        a.cancelAll()
        // The call it starts fails later (nothing listens on port 9); it is not delivered here.
        a.push(SSOScreen(environment: env, opener: Self.noBrowser))
        let g = GridSurface(rows: 24, cols: 100)
        a.draw(g)
        #expect(g.text.contains("Sign in with Keycloak: \(way)"))
        #expect(g.text.contains(why))
        #expect(g.row(23).contains("Esc cancel"))
    }

    @Test func tabGoesDeviceThenBrowserThenPaste() throws {
        let a = try app()
        a.reset(to: LoginScreen())
        a.cancelAll()
        let sso = SSOScreen(environment: [:], opener: Self.noBrowser)
        a.push(sso)
        var seen: [SignInFlow] = [sso.flow]
        for _ in 0..<3 {
            a.handle(.tab, size: (24, 100))
            seen.append(sso.flow)
        }
        #expect(seen == [.device, .loopback, .paste, .device])
    }

    @Test func escGoesBackToTheLoginScreen() throws {
        let a = try app()
        a.reset(to: LoginScreen())
        a.cancelAll()
        a.push(SSOScreen(environment: [:], opener: Self.noBrowser))
        a.handle(.escape, size: (24, 100))  // cancels the call in flight, which goes back
        a.deliverResults()
        #expect(a.top is LoginScreen)
    }

    @Test func signOutOfKeycloakEverywhereIsTheDefault() throws {
        let a = try app()
        a.profile = Profile(id: 1, username: "kc", roles: ["librarian"], authSource: "oidc")
        a.reset(to: BookListScreen())
        a.cancelAll()
        ProfileScreen.logout(a)
        let dialog = try #require(a.top as? SignOutDialog)
        let g = GridSurface(rows: 24, cols: 100)
        a.draw(g)
        #expect(SignOutDialog.choices[dialog.selected].strength == .everywhere)
        #expect(g.text.contains("▶ 1  Sign out of Keycloak everywhere (default)"))
        #expect(g.text.contains("3  Only forget the tokens on this machine"))
        #expect(g.row(0).contains("kc via Keycloak (librarian)"))
    }
}
