import CryptoExtras
import Foundation
import Testing

@testable import BookClient

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("PKCE, state and nonce")
struct PKCETests {
    @Test func rfc7636AppendixBVector() {
        // setup / exercise
        let p = PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        // validate
        #expect(p.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(p.method == "S256")
    }

    @Test func freshVerifiersAreLongUnpaddedAndDifferent() {
        let a = PKCE(), b = PKCE()
        #expect(a.verifier != b.verifier)
        #expect((43...128).contains(a.verifier.count))
        #expect(a.verifier.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(!a.challenge.contains("=") && !a.challenge.contains("+") && !a.challenge.contains("/"))
    }

    @Test func stateAndNonceAreUnguessable() {
        let values = Set((0..<100).map { _ in OIDCRandom.token() })
        #expect(values.count == 100)
        #expect(values.allSatisfy { $0.count == 43 })
    }
}

@Suite("Which sign-in flow, and why")
struct FlowChoiceTests {
    @Test(arguments: [
        (["SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22", "DISPLAY": ":0"], SignInFlow.device, "SSH"),
        (["SSH_TTY": "/dev/pts/3", "BROWSER": "firefox"], .device, "SSH"),
        ([:], .device, "no display"),
        (["DISPLAY": ""], .device, "no display"),
        (["DISPLAY": ":0"], .loopback, "xdg-open"),
        (["WAYLAND_DISPLAY": "wayland-0"], .loopback, "xdg-open"),
        (["BROWSER": "w3m"], .loopback, "$BROWSER"),
    ])
    func choice(env: [String: String], flow: SignInFlow, reasonMentions: String) {
        let c = SignInFlow.choose(environment: env)
        #expect(c.flow == flow)
        #expect(c.reason.contains(reasonMentions))
    }

    @Test func browserCommandFromTheEnvironment() {
        #expect(BrowserOpener.command(for: "http://x/?a=1", environment: [:]) == ["xdg-open", "http://x/?a=1"])
        #expect(
            BrowserOpener.command(for: "U", environment: ["BROWSER": "firefox --new-tab:w3m"]) == ["firefox", "--new-tab", "U"])
        #expect(BrowserOpener.command(for: "U", environment: ["BROWSER": "open-it %s now"]) == ["open-it", "U", "now"])
    }
}

@Suite("Form bodies for the provider")
struct FormEncodeTests {
    @Test func reservedCharactersInValuesStayData() {
        #expect(BookClient.formEncode(["b": "x+y&z=1 ü", "a": "A-Z_a.z~0"]) == "a=A-Z_a.z~0&b=x%2By%26z%3D1%20%C3%BC")
    }
}

@Suite("The address the browser lands on")
struct CallbackURLTests {
    @Test func codeFromAWholeURL() throws {
        let code = try CallbackURL.code(
            from: "  http://127.0.0.1:4711/callback?code=abc.def&state=S1&session_state=x\n", expectedState: "S1")
        #expect(code == "abc.def")
    }

    @Test func codeFromAQueryOnlyAndPercentEncoding() throws {
        #expect(try CallbackURL.code(from: "state=a%2Bb&code=c%3D1", expectedState: "a+b") == "c=1")
    }

    @Test func wrongStateIsRefused() {
        #expect(throws: APIError.sso("The address belongs to another sign-in (its state does not match): start again.")) {
            try CallbackURL.code(from: "http://127.0.0.1/cb?code=c&state=other", expectedState: "mine")
        }
    }

    @Test func providerErrorsAreSaid() {
        do {
            _ = try CallbackURL.code(from: "http://127.0.0.1/cb?error=access_denied&state=s", expectedState: "s")
            Issue.record("no error")
        } catch let e as APIError { #expect(e.description.contains("cancelled")) } catch { Issue.record("\(error)") }
    }

    @Test(arguments: ["", "hello", "http://127.0.0.1/cb?state=s", "http://127.0.0.1/cb?code=c"])
    func incompleteAddressesAreRefused(text: String) {
        #expect(throws: APIError.self) { try CallbackURL.code(from: text, expectedState: "s") }
    }
}

@Suite("ID token checks")
struct IDTokenTests {
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    static var jwks: [String: Any] {
        let der = key.publicKey.pkcs1DERRepresentation
        let (n, e) = Self.modulusAndExponent(pkcs1: [UInt8](der))
        return [
            "keys": [
                [
                    "kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
                    "n": Base64URL.encode(n), "e": Base64URL.encode(e),
                ]
            ]
        ]
    }

    /// The two INTEGERs of an RSAPublicKey (DER), leading zero bytes dropped.
    static func modulusAndExponent(pkcs1 d: [UInt8]) -> ([UInt8], [UInt8]) {
        var i = 0
        func length() -> Int {
            let first = Int(d[i]); i += 1
            if first < 0x80 { return first }
            var n = 0
            for _ in 0..<(first & 0x7f) { n = n << 8 | Int(d[i]); i += 1 }
            return n
        }
        i += 1; _ = length()  // SEQUENCE
        i += 1; var l = length()  // INTEGER n
        var n = Array(d[i..<i + l]); i += l
        i += 1; l = length()  // INTEGER e
        let e = Array(d[i..<i + l])
        while n.first == 0 { n.removeFirst() }
        return (n, e)
    }

    static func token(_ claims: [String: Any], alg: String = "RS256", kid: String = "k1") throws -> String {
        let h = Base64URL.encode(try JSONSerialization.data(withJSONObject: ["alg": alg, "kid": kid, "typ": "JWT"]))
        let p = Base64URL.encode(try JSONSerialization.data(withJSONObject: claims))
        let sig = try key.signature(for: Data((h + "." + p).utf8), padding: .insecurePKCS1v1_5)
        return h + "." + p + "." + Base64URL.encode(sig.rawRepresentation)
    }

    static let iss = "http://127.0.0.1:1/realms/books"
    static var good: [String: Any] {
        [
            "iss": iss, "aud": "booktui", "azp": "booktui", "nonce": "N", "exp": Date().timeIntervalSince1970 + 300,
            "preferred_username": "librarian1",
        ]
    }

    @Test func aGoodTokenPasses() throws {
        let claims = try IDToken.verify(
            try Self.token(Self.good), jwks: Self.jwks, issuer: Self.iss, clientId: "booktui", nonce: "N")
        #expect(claims["preferred_username"] as? String == "librarian1")
    }

    @Test(arguments: ["iss", "aud", "nonce", "exp", "signature", "alg", "kid"])
    func eachCheckRefuses(what: String) throws {
        var c = Self.good
        var t: String
        switch what {
        case "iss": c["iss"] = "https://evil.example/realms/books"
        case "aud": c["aud"] = ["book-server"]
        case "nonce": c["nonce"] = "other"
        case "exp": c["exp"] = Date().timeIntervalSince1970 - 3600
        default: break
        }
        t = try Self.token(c, kid: what == "kid" ? "unknown" : "k1")
        if what == "signature" {
            let parts = t.split(separator: ".")
            let other = Base64URL.encode(
                try JSONSerialization.data(withJSONObject: Self.good.merging(["preferred_username": "admin"]) { $1 }))
            t = parts[0] + "." + other + "." + parts[2]
        }
        if what == "alg" {
            let h = Base64URL.encode(try JSONSerialization.data(withJSONObject: ["alg": "none"]))
            t = h + "." + t.split(separator: ".")[1] + "."
        }
        #expect(throws: APIError.self) {
            try IDToken.verify(t, jwks: Self.jwks, issuer: Self.iss, clientId: "booktui", nonce: "N")
        }
    }

    @Test func noNonceExpectedForTheDeviceGrant() throws {
        var c = Self.good
        c["nonce"] = nil
        _ = try IDToken.verify(try Self.token(c), jwks: Self.jwks, issuer: Self.iss, clientId: "booktui", nonce: nil)
    }
}

@Suite("Loopback listener")
struct LoopbackListenerTests {
    @Test func answersTheCallbackAndIgnoresOtherPaths() async throws {
        // setup
        let l = try LoopbackListener()
        #expect(l.redirectURI.hasPrefix("http://127.0.0.1:") && l.port > 0)
        // The listener blocks while it waits: on a thread of its own, not one of the two the
        // test pool has on this machine (URLSession below needs those).
        let waiting = Task {
            try await withCheckedThrowingContinuation { (k: CheckedContinuation<String, Error>) in
                Thread.detachNewThread {
                    k.resume(
                        with: Result {
                            try l.waitForCallback(timeout: 20) { t in
                                t.hasSuffix("&state=s") ? (200, "you can close this tab", true) : (400, "not this sign-in", false)
                            }
                        })
                }
            }
        }
        // exercise
        let session = URLSession(configuration: .ephemeral)
        let (_, fav) = try await session.data(from: URL(string: "http://127.0.0.1:\(l.port)/favicon.ico")!)
        let (_, other) = try await session.data(from: URL(string: l.redirectURI + "?code=c&state=someone-else")!)
        let (body, resp) = try await session.data(from: URL(string: l.redirectURI + "?code=c&state=s")!)
        // validate
        #expect((fav as? HTTPURLResponse)?.statusCode == 404)
        #expect((other as? HTTPURLResponse)?.statusCode == 400)
        #expect((resp as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("you can close this tab"))
        #expect(try await waiting.value == "/callback?code=c&state=s")
        l.close()
    }

    @Test func cancelStopsTheWait() async throws {
        let l = try LoopbackListener()
        let waiting = Task.detached { try l.waitForCallback(timeout: 30) { _ in (200, "", true) } }
        l.cancel()
        await #expect(throws: APIError.cancelled) { try await waiting.value }
    }
}

@Suite("The provider's name on screens")
struct ProviderNameTests {
    @Test func theServersNameElseOneFromTheIssuer() {
        #expect(
            OIDCAdvert(issuer: "http://127.0.0.1:1/api/oidc", clientId: "booktui", providerName: "Glewlwyd").name == "Glewlwyd")
        #expect(OIDCAdvert(issuer: "https://sso.example.org/realms/books", clientId: "booktui").name == "Keycloak")
        #expect(OIDCAdvert(issuer: "https://login.example.org/oidc", clientId: "booktui").name == "login.example.org")
        #expect(
            OIDCAdvert(issuer: "https://login.example.org/oidc", clientId: "booktui", providerName: "").name
                == "login.example.org")
    }
}
