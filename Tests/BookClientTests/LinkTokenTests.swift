import Testing

@testable import BookClient

@Suite("Pasted activation and reset links")
struct LinkTokenTests {
    @Test func wholeLink() {
        let t = LinkToken.parse("http://127.0.0.1:8000/activate/MQ/tp2v2k-526dc7d8/", kind: "activate")
        #expect(t == LinkToken(uid: "MQ", token: "tp2v2k-526dc7d8"))
    }

    @Test func linkWithSpacesQuotesAndNoTrailingSlash() {
        #expect(
            LinkToken.parse("  <https://books.example/reset/Mg/abc-123>  ", kind: "reset")
                == LinkToken(uid: "Mg", token: "abc-123"))
    }

    @Test func uidSlashToken() {
        #expect(LinkToken.parse("MQ/abc", kind: "activate") == LinkToken(uid: "MQ", token: "abc"))
    }

    @Test func junkIsRefused() {
        #expect(LinkToken.parse("not a link", kind: "activate") == nil)
        #expect(LinkToken.parse("", kind: "activate") == nil)
        #expect(LinkToken.parse("a/b/c", kind: "activate") == nil)
    }
}
