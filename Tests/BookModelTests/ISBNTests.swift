import Testing

@testable import BookModel

@Suite("ISBN checking and normalisation, as the server stores and the form checks")
struct ISBNTests {
    @Test(arguments: [
        ("0-306-40615-2", "9780306406157"),
        ("978-3-16-148410-0", "9783161484100"),
        ("080442957X", "9780804429573"),
        ("080442957x", "9780804429573"),
        ("978 0 306 40615 7", "9780306406157"),
        ("0-441-17271-7", "9780441172719"),
        ("9780441172719", "9780441172719"),
    ])
    func validISBNsBecomeISBN13(input: String, expected: String) {
        #expect(ISBN.normalize(input) == .success(expected))
        #expect(ISBN.toISBN13(input) == expected)
        #expect(ISBN.problem(input) == nil)
    }

    @Test func wrongCheckDigitsAreCaught() {
        for input in ["0-306-40615-3", "9783161484101", "0441172718", "9780441172710"] {
            #expect(ISBN.normalize(input) == .failure(.badChecksum))
            #expect(ISBN.toISBN13(input) == nil)
        }
    }

    @Test func shapeProblemsAreNamed() {
        #expect(ISBN.problem("12345") == .badLength)
        #expect(ISBN.problem("97831614841X0") == .badCharacter)
        #expect(ISBN.problem("isbn0306406152") == .badCharacter)
        #expect(ISBN.problem("X306406152") == .badCharacter)
        #expect(ISBN.problem("04411727a7") == .badCharacter)
    }

    @Test func eachProblemHasTheAPIsSentenceAndTheFormsShortWords() {
        #expect(ISBN.Problem.badChecksum.description == "This ISBN's check digit is wrong; check for a typo.")
        #expect(ISBN.Problem.badChecksum.message == "ISBN check digit is wrong")
        #expect(ISBN.Problem.badLength.message == "ISBN must have 10 or 13 digits")
    }

    @Test func isbn10IsGivenOnlyFor978Numbers() {
        #expect(ISBN.isbn10(of: "9780804429573") == "080442957X")
        #expect(ISBN.isbn10(of: "9791032305690") == nil)
    }
}
