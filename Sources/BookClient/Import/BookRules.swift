import Foundation

/// The limits a book's fields must keep, as the form checks them while the user types (the seed's
/// lengths, which our server accepts too) and as an import checks each row.
public enum BookRules {
    public static let titleMax = 100
    public static let authorMax = 50
    public static let publisherMax = 100
    public static let notesMax = 10_000
    public static let pages: ClosedRange<Int> = 1...100_000

    public static var years: ClosedRange<Int> {
        0...(Calendar(identifier: .gregorian).component(.year, from: Date()) + 1)
    }

    /// "n/max characters: too long", or nil when `value` fits.
    public static func lengthProblem(_ value: String, max: Int) -> String? {
        let t = value.trimmingCharacters(in: .whitespaces)
        return t.count > max ? "\(t.count)/\(max) characters: too long" : nil
    }

    public static func yearProblem(_ year: Int) -> String? {
        years.contains(year) ? nil : "between \(years.lowerBound) and \(years.upperBound)"
    }

    public static func pagesProblem(_ count: Int) -> String? {
        pages.contains(count) ? nil : "between \(pages.lowerBound) and \(pages.upperBound)"
    }

    /// Every problem of a whole book, by API field name; empty when it may be saved.
    public static func problems(_ d: BookDraft) -> FieldErrors {
        var f = FieldErrors()
        func add(_ field: String, _ message: String?) { if let message { f[field, default: []].append(message) } }
        if d.title.trimmingCharacters(in: .whitespaces).isEmpty { add("title", "missing") }
        if d.author.trimmingCharacters(in: .whitespaces).isEmpty { add("author", "missing") }
        add("title", lengthProblem(d.title, max: titleMax))
        add("author", lengthProblem(d.author, max: authorMax))
        add("published_year", yearProblem(d.publishedYear))
        if let isbn = d.isbn { add("isbn", ISBN.problem(isbn)?.message) }
        if let p = d.publisher { add("publisher", lengthProblem(p, max: publisherMax)) }
        if let n = d.pages { add("pages", pagesProblem(n)) }
        if let n = d.notes { add("notes", lengthProblem(n, max: notesMax)) }
        return f
    }
}
