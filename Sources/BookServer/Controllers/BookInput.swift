import Foundation

/// The writable fields of a book, checked as a whole so every problem is reported at once.
struct BookInput {
    /// A title or author list from a real catalogue record must fit (the seed allowed 100 and 50).
    static let titleMax = 255
    static let authorMax = 255
    static let publisherMax = 100
    static let notesMax = 10_000

    /// Years a catalogued book may carry: from clay tablets to next year's releases.
    static var yearRange: ClosedRange<Int> {
        let thisYear = Calendar(identifier: .gregorian).component(.year, from: Date())
        return 0...(thisYear + 1)
    }

    /// Applies the fields in `object` to `book`, or throws `FieldErrors` naming every bad field.
    /// With `partial` (PATCH) a missing field is left as it is.
    static func apply(_ object: [String: JSONValue], to book: Book, partial: Bool) throws {
        var r = FieldReader(object, partial: partial)
        let title = r.string("title", maxLength: titleMax, characters: .printable)
        let author = r.string("author", maxLength: authorMax, characters: .printable)
        let year = r.int("published_year", range: yearRange)
        let available = r.bool("is_available")
        let isbn = r.string("isbn", required: false, nullable: true, characters: .printable)
        let publisher = r.string("publisher", required: false, maxLength: publisherMax, nullable: true, characters: .printable)
        let pages = r.int("pages", required: false, range: 1...100_000, nullable: true)
        let notes = r.string("notes", required: false, maxLength: notesMax, allowBlank: true, nullable: true,
                                 characters: .printableLines)

        var normalizedISBN: String??
        if case .value(let raw) = isbn {
            if let raw {
                switch ISBN.normalize(raw) {
                case .success(let digits): normalizedISBN = .some(digits)
                case .failure(let problem): r.errors.add("isbn", problem.description)
                }
            } else {
                normalizedISBN = .some(nil)
            }
        }
        try r.errors.throwIfAny()

        if case .value(let v?) = title { book.title = v }
        if case .value(let v?) = author { book.author = v }
        if case .value(let v?) = year { book.publishedYear = v }
        if case .value(let v) = available { book.isAvailable = v } else if book.id == nil { book.isAvailable = false }
        if let normalizedISBN { book.isbn = normalizedISBN }
        if case .value(let v) = publisher { book.publisher = v }
        if case .value(let v) = pages { book.pages = v }
        if case .value(let v) = notes { book.notes = (v?.isEmpty ?? true) ? nil : v }
        book.refreshSearchText()
    }
}
