import Foundation

/// One writable field of a book: the one place a field's name, label, kind and limits are
/// declared. The server's validation, the OpenAPI schemas of books, booktui's form and its
/// import checks are all derived from `BookField.all` (docs/adding-a-field.md).
public struct BookField: Sendable, Hashable, Identifiable {
    /// How a field's value is written and checked.
    public enum Kind: Sendable, Hashable {
        /// Text on one line (no control characters).
        case text
        /// Text that may hold newlines and tabs (notes).
        case lines
        /// A whole number within `range`.
        case integer
        /// A year within `BookField.years`, which moves with the calendar.
        case year
        /// Yes or no.
        case flag
        /// An ISBN-10 or ISBN-13, stored as ISBN-13 (`ISBN`).
        case isbn
    }

    /// Where a field comes from: the seed's backend has the `seed` fields only.
    public enum Origin: Sendable, Hashable {
        case seed
        /// Ours: a seed server neither keeps nor returns it.
        case ours
    }

    /// The API's (and the database column's) name, e.g. `published_year`.
    public let name: String
    /// What the form and the help call it, e.g. "Year".
    public let label: String
    public let kind: Kind
    public let origin: Origin
    /// Must be given, and not blank, when a book is created; otherwise it may be null.
    public let required: Bool
    /// Characters a text field may hold on our server.
    public let maxLength: Int?
    /// Characters the seed's column holds, where it is less than ours (a seed server refuses more).
    public let seedMaxLength: Int?
    /// What an integer field may hold (years: `BookField.years`).
    public let fixedRange: ClosedRange<Int>?
    /// What the API document says of the field beyond its type and limits.
    public let note: String?

    public var id: String { name }

    public init(
        _ name: String, _ label: String, kind: Kind, origin: Origin, required: Bool = false,
        maxLength: Int? = nil, seedMaxLength: Int? = nil, range: ClosedRange<Int>? = nil, note: String? = nil
    ) {
        self.name = name
        self.label = label
        self.kind = kind
        self.origin = origin
        self.required = required
        self.maxLength = maxLength
        self.seedMaxLength = seedMaxLength
        self.fixedRange = range
        self.note = note
    }

    /// The range an integer or year field accepts now.
    public var range: ClosedRange<Int>? { kind == .year ? Self.years : fixedRange }

    /// The length a text field may have on a server: the seed's where it is smaller.
    public func maxLength(extended: Bool) -> Int? { extended ? maxLength : (seedMaxLength ?? maxLength) }

    /// Years a catalogued book may carry: from clay tablets to next year's releases.
    public static var years: ClosedRange<Int> {
        0...(Calendar(identifier: .gregorian).component(.year, from: Date()) + 1)
    }
}

extension BookField {
    // The seed's fields (its `myapp_books` table: title varchar(100), author varchar(50)); a title
    // or author list from a real catalogue record must fit, so ours are longer.
    public static let title = BookField(
        "title", "Title", kind: .text, origin: .seed, required: true,
        maxLength: 255, seedMaxLength: 100)
    public static let author = BookField(
        "author", "Author", kind: .text, origin: .seed, required: true,
        maxLength: 255, seedMaxLength: 50)
    public static let publishedYear = BookField("published_year", "Year", kind: .year, origin: .seed, required: true)
    public static let isAvailable = BookField("is_available", "Available", kind: .flag, origin: .seed)

    // Ours.
    public static let isbn = BookField(
        "isbn", "ISBN", kind: .isbn, origin: .ours,
        note: "ISBN-10 or ISBN-13; stored and returned as ISBN-13")
    public static let publisher = BookField("publisher", "Publisher", kind: .text, origin: .ours, maxLength: 100)
    public static let pages = BookField("pages", "Pages", kind: .integer, origin: .ours, range: 1...100_000)
    public static let notes = BookField("notes", "Notes", kind: .lines, origin: .ours, maxLength: 10_000)

    /// Every writable field, in the order of the form and of the API's book objects.
    public static let all: [BookField] = [title, author, publishedYear, isAvailable, isbn, publisher, pages, notes]

    /// The fields a server keeps: all on ours, the seed's on the seed's backend.
    public static func kept(extended: Bool) -> [BookField] { extended ? all : all.filter { $0.origin == .seed } }

    public static func named(_ name: String) -> BookField? { all.first { $0.name == name } }

    /// Where the field is in `all`.
    public var position: Int { Self.positions[name]! }
    private static let positions = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($0.element.name, $0.offset) })
}
