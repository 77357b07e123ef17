import Testing

@testable import BookClient

@Suite struct EmailRuleTests {
    @Test func theClientRefusesWhatTheServerRefusesBeforeSending() async throws {
        #expect(BookClient.isPlainEmail("ada@bücher.example"))
        for address in [
            "foo<victim@example.org>", "a,b@example.org", "x>y@example.org", "a\u{0}b@example.org", "a b@example.org",
        ] {
            #expect(!BookClient.isPlainEmail(address))
            // No server at this address: a request would fail differently.
            let client = try BookClient(server: "http://127.0.0.1:9", store: nil)
            await #expect(throws: APIError.validation(["email": ["Enter a valid email address."]])) {
                try await client.requestPasswordReset(email: address)
            }
        }
    }
}
