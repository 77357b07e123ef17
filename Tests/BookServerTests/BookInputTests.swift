import BookModel
import Testing

@testable import BookServer

/// The server's book input is made from `BookField.all`: every field has a column, is read with
/// its limits, and every problem of a book is named at once.
@Suite struct BookInputTests {
    static func sample(_ field: BookField) -> BookValue {
        switch field.kind {
        case .text, .lines: .text("x")
        case .isbn: .text("9780441172719")
        case .integer, .year: .number(field.range!.lowerBound)
        case .flag: .flag(true)
        }
    }

    @Test func everyFieldHasAColumn() {
        let book = Book()
        for field in BookField.all { #expect(book.set(field, Self.sample(field)), "\(field.name) has no column in Book") }
    }

    @Test func aNewBookIsReadAndNormalised() throws {
        let book = Book()
        try BookInput.apply(
            [
                "title": .string(" Dune "), "author": .string("Frank Herbert"), "published_year": .int(1965),
                "isbn": .string("0-441-17271-7"), "notes": .string("  "),
            ], to: book, partial: false)
        #expect(book.title == "Dune")
        #expect(book.isbn == "9780441172719")
        #expect(book.isAvailable == false)  // the seed's default
        #expect(book.notes == nil)  // blank notes are none
        #expect(book.searchText.contains("dune"))
    }

    @Test func everyProblemIsNamedAtOnceInTheAPIsWords() {
        let long = String(repeating: "p", count: BookField.publisher.maxLength! + 1)
        do {
            try BookInput.apply(
                [
                    "title": .string(""), "published_year": .int(-1), "publisher": .string(long),
                    "pages": .int(0), "isbn": .string("123"),
                ], to: Book(), partial: false)
            Issue.record("a book with six problems was accepted")
        } catch let errors as FieldErrors {
            #expect(
                errors.fields == [
                    "title": ["This field may not be blank."],
                    "author": ["This field is required."],
                    "published_year": ["Ensure this value is greater than or equal to 0."],
                    "publisher": ["Ensure this field has no more than 100 characters."],
                    "pages": ["Ensure this value is greater than or equal to 1."],
                    "isbn": ["Enter an ISBN-10 or ISBN-13 (10 or 13 digits)."],
                ])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
