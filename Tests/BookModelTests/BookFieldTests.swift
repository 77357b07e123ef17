import Testing

@testable import BookModel

@Suite("One definition of a book's fields and their checks")
struct BookFieldTests {
    @Test func fieldsHaveUniqueNamesAndTheSeedsComeFirst() {
        let names = BookField.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(BookField.kept(extended: false).map(\.name) == ["title", "author", "published_year", "is_available"])
        #expect(BookField.named("publisher") == .publisher)
    }

    @Test func textLimitsAreTheSeedsOnTheSeedsServer() {
        #expect(BookField.title.maxLength(extended: true) == 255)
        #expect(BookField.title.maxLength(extended: false) == 100)
        #expect(BookField.author.maxLength(extended: false) == 50)
        #expect(
            BookRules.problem(.title, .text(String(repeating: "t", count: 101)), extended: false)
                == "101/100 characters: too long")
        #expect(BookRules.problem(.title, .text(String(repeating: "t", count: 101)), extended: true) == nil)
    }

    @Test func typingIsCheckedByKind() {
        #expect(BookRules.typingProblem(.publishedYear, "19x9") == "a year, like 1999")
        #expect(BookRules.typingProblem(.publishedYear, "-5") == "between 0 and \(BookField.years.upperBound)")
        #expect(BookRules.typingProblem(.pages, "0") == "between 1 and 100000")
        #expect(BookRules.typingProblem(.pages, "many") == "a whole number")
        #expect(BookRules.typingProblem(.isbn, "0441172718") == "ISBN check digit is wrong")
        #expect(BookRules.typingProblem(.title, "") == nil)  // required is checked on save
        #expect(BookRules.typingProblem(.notes, "a\nb") == nil)
    }

    @Test func aWholeBookIsCheckedFieldByField() {
        let book: [String: BookValue] = [
            "title": .text(" "), "author": .text("Ann"), "published_year": .number(1999),
            "isbn": .text("123"),
        ]
        let problems = BookRules.problems({ book[$0.name] })
        #expect(problems == ["title": ["missing"], "isbn": ["ISBN must have 10 or 13 digits"]])
        #expect(BookRules.problems({ book[$0.name] }, extended: false) == ["title": ["missing"]])
    }
}
