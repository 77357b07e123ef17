import Testing
@testable import BookServer

@Suite struct ISBNTests {
    @Test(arguments: [
        ("0-306-40615-2", "9780306406157"),
        ("978-3-16-148410-0", "9783161484100"),
        ("080442957X", "9780804429573"),
        ("080442957x", "9780804429573"),
        ("978 0 306 40615 7", "9780306406157"),
    ])
    func validISBNsBecomeISBN13(input: String, expected: String) {
        #expect(ISBN.normalize(input) == .success(expected))
    }

    @Test func wrongCheckDigitsAreCaught() {
        #expect(ISBN.normalize("0-306-40615-3") == .failure(.badChecksum))
        #expect(ISBN.normalize("9783161484101") == .failure(.badChecksum))
    }

    @Test func shapeProblemsAreNamed() {
        #expect(ISBN.normalize("12345") == .failure(.badLength))
        #expect(ISBN.normalize("97831614841X0") == .failure(.badCharacter))
        #expect(ISBN.normalize("isbn0306406152") == .failure(.badCharacter))
        #expect(ISBN.normalize("X306406152") == .failure(.badCharacter))
    }
}
