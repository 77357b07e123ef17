import Testing

@testable import BookServer
@testable import PlainEmail

@Suite struct EmailAddressTests {
    @Test func onlyPlainAddressesPass() {
        for good in [
            "a@example.org", "first.last+tag@example.co.uk", "o'neil@example.org", "user@bücher.example",
            "x@xn--bcher-kva.example",
        ] {
            #expect(AccountController.isValidEmail(good), "\(good)")
        }
        let bad = [
            "foo<victim@example.org>", "x>y@example.org", "a,b@example.org", "a\u{0}b@example.org", "a b@example.org",
            "\"a\"@example.org", "a@b@example.org", "a@example", "a@.example.org", "a@example..org", ".a@example.org",
            "a.@example.org", "a..b@example.org", "a@-example.org", "a@example.org\n", "Name <a@example.org>",
            "a@exa\u{202E}mple.org", "a@exa mple.org", "ä@example.org", "@example.org", "a@",
        ]
        for address in bad { #expect(!AccountController.isValidEmail(address), "\(address.debugDescription)") }
    }

    @Test func idnDomainsGoOutInTheirASCIIForm() {
        #expect(PlainEmail.asciiAddress("user@bücher.example") == "user@xn--bcher-kva.example")
        #expect(PlainEmail.asciiAddress("user@例え.テスト") == "user@xn--r8jz45g.xn--zckzah")
        #expect(PlainEmail.asciiAddress("user@example.org") == "user@example.org")
    }
}
