import Foundation
import Testing

@testable import BookClient

/// What booktui quotes from a provider's refusal of a sign-in request: its words, one line, no markup.
@Suite struct AuthorizationPreflightTests {
    @Test func keycloaksErrorPageBecomesItsMessage() {
        let page = """
            <!DOCTYPE html><html><head><title>Sign in to books</title><style>.x{color:red}</style></head>
            <body><div id="kc-error-message"><p class="instruction">Invalid parameter: redirect_uri</p></div>
            <script>var a = "<b>not this</b>";</script></body></html>
            """
        #expect(AuthorizationPreflight.plainText(Data(page.utf8)) == "Invalid parameter: redirect_uri")
    }

    @Test func aJSONErrorIsCodeAndDescription() {
        let body = #"{"error": "invalid_request", "error_description": "redirect_uri is not registered"}"#
        #expect(AuthorizationPreflight.plainText(Data(body.utf8)) == "invalid_request: redirect_uri is not registered")
    }

    @Test func controlCharactersAndLengthAreTamed() {
        let hostile = "<p>bad\u{1B}[31m\nred &lt;tag&gt;" + String(repeating: " word", count: 100) + "</p>"
        let text = AuthorizationPreflight.plainText(Data(hostile.utf8), limit: 40)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 })
        #expect(text.hasPrefix("bad [31m red <tag> word"))
        #expect(text.count == 40 && text.hasSuffix("…"))
    }
}
