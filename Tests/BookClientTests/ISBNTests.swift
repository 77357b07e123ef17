import Testing
@testable import BookClient

@Suite("ISBN checks as the form does them")
struct ISBNTests {
    @Test("valid ISBN-10 and ISBN-13, with or without dashes", arguments: [
        "0441172717", "0-441-17271-7", "080442957X", "9780441172719", "978-0-7653-8203-0",
    ])
    func valid(_ isbn: String) {
        #expect(ISBN.problem(isbn) == nil)
    }

    @Test func wrongCheckDigit() {
        #expect(ISBN.problem("0441172718") == .checksum)
        #expect(ISBN.problem("9780441172710") == .checksum)
    }

    @Test func wrongLengthOrCharacters() {
        #expect(ISBN.problem("12345") == .length)
        #expect(ISBN.problem("04411727a7") == .characters)
        #expect(ISBN.problem("X441172717") == .characters)
    }

    @Test func convertsToISBN13AsTheServerStoresIt() {
        #expect(ISBN.toISBN13("0-441-17271-7") == "9780441172719")
        #expect(ISBN.toISBN13("080442957X") == "9780804429573")
        #expect(ISBN.toISBN13("9780441172719") == "9780441172719")
        #expect(ISBN.toISBN13("0441172718") == nil)
    }
}
