import BookModel
import Foundation

/// The writable fields of a book (`BookField.all`), read and checked as a whole so every problem
/// is reported at once, in the words of Django REST framework's serializers.
enum BookInput {
    /// Applies the fields in `object` to `book`, or throws `FieldErrors` naming every bad field.
    /// With `partial` (PATCH) a missing field is left as it is.
    static func apply(_ object: [String: JSONValue], to book: Book, partial: Bool) throws {
        var r = FieldReader(object, partial: partial)
        var given: [(BookField, BookValue?)] = []
        for field in BookField.all {
            if let value = read(field, from: &r) { given.append((field, value)) }
        }
        try r.errors.throwIfAny()
        for (field, value) in given { book.set(field, value) }
        // A new book that does not say is not available (the seed's default).
        for field in BookField.all where field.kind == .flag && book.id == nil && object[field.name] == nil {
            book.set(field, .flag(false))
        }
        book.refreshSearchText()
    }

    /// The value sent for `field` (an inner nil: null or blank, where that is allowed), or nil
    /// when it was not sent or is wrong (then `r.errors` says why).
    static func read(_ field: BookField, from r: inout FieldReader) -> BookValue?? {
        let name = field.name
        switch field.kind {
        case .text:
            guard
                case .value(let v) = r.string(
                    name, required: field.required, maxLength: field.maxLength,
                    nullable: !field.required, characters: .printable)
            else { return nil }
            return .some(v.map(BookValue.text))
        case .lines:
            guard
                case .value(let v) = r.string(
                    name, required: field.required, maxLength: field.maxLength, allowBlank: true,
                    nullable: !field.required, characters: .printableLines)
            else { return nil }
            return .some(v.flatMap { $0.isEmpty ? nil : .text($0) })
        case .integer, .year:
            guard
                case .value(let v) = r.int(
                    name, required: field.required, range: field.range,
                    nullable: !field.required)
            else { return nil }
            return .some(v.map(BookValue.number))
        case .flag:
            guard case .value(let v) = r.bool(name) else { return nil }
            return .some(.flag(v))
        case .isbn:
            guard
                case .value(let raw) = r.string(
                    name, required: field.required, nullable: !field.required,
                    characters: .printable)
            else { return nil }
            guard let raw else { return .some(nil) }
            switch ISBN.normalize(raw) {
            case .success(let digits): return .some(.text(digits))
            case .failure(let problem):
                r.errors.add(name, problem.description)
                return nil
            }
        }
    }
}
