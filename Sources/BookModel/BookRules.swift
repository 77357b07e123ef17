import Foundation

/// A value of one `BookField`, as a form or an import has it before it is sent.
public enum BookValue: Sendable, Equatable {
    case text(String)
    case number(Int)
    case flag(Bool)
}

/// The checks of `BookField`'s limits as booktui makes them before anything is sent: while the user
/// types in the form and for each row of an import. The server makes the same checks
/// (`BookInput`) in the API's words.
public enum BookRules {
    /// "n/max characters: too long", or nil when `value` fits.
    public static func lengthProblem(_ value: String, max: Int) -> String? {
        let t = value.trimmingCharacters(in: .whitespaces)
        return t.count > max ? "\(t.count)/\(max) characters: too long" : nil
    }

    /// "between a and b", or nil when `value` is in `range`.
    public static func rangeProblem(_ value: Int, _ range: ClosedRange<Int>) -> String? {
        range.contains(value) ? nil : "between \(range.lowerBound) and \(range.upperBound)"
    }

    /// What is wrong with `value` (nil: not given) for `field` on a server with or without our
    /// extensions; nil when it may be saved.
    public static func problem(_ field: BookField, _ value: BookValue?, extended: Bool = true) -> String? {
        guard let value else { return field.required ? "missing" : nil }
        switch (field.kind, value) {
        case (.text, .text(let s)), (.lines, .text(let s)):
            if field.required && s.trimmingCharacters(in: .whitespaces).isEmpty { return "missing" }
            return field.maxLength(extended: extended).flatMap { lengthProblem(s, max: $0) }
        case (.isbn, .text(let s)):
            return ISBN.problem(s)?.message
        case (.integer, .number(let n)), (.year, .number(let n)):
            return field.range.flatMap { rangeProblem(n, $0) }
        case (.flag, .flag):
            return nil
        default:
            return "not \(expected(field))"
        }
    }

    /// The text of a form field read as `field`'s kind: nil when blank, or what it should be.
    public static func parse(_ field: BookField, _ text: String) -> Result<BookValue?, Unreadable> {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return .success(nil) }
        switch field.kind {
        case .text, .isbn: return .success(.text(t))
        case .lines: return .success(.text(text))
        case .integer, .year:
            guard let n = Int(t) else { return .failure(Unreadable(message: expected(field))) }
            return .success(.number(n))
        case .flag:
            switch t.lowercased() {
            case "true", "yes", "y", "1": return .success(.flag(true))
            case "false", "no", "n", "0": return .success(.flag(false))
            default: return .failure(Unreadable(message: expected(field)))
            }
        }
    }

    /// What a form says while the user types in `field`: a value that cannot be read, or one
    /// outside the limits. A blank required field is left to the save.
    public static func typingProblem(_ field: BookField, _ text: String, extended: Bool = true) -> String? {
        switch parse(field, text) {
        case .failure(let unreadable): unreadable.message
        case .success(nil): nil
        case .success(let value?): problem(field, value, extended: extended)
        }
    }

    /// Every problem of a whole book, by API field name; empty when it may be saved.
    public static func problems(_ values: (BookField) -> BookValue?, extended: Bool = true) -> [String: [String]] {
        var found: [String: [String]] = [:]
        for field in BookField.kept(extended: extended) {
            if let p = problem(field, values(field), extended: extended) { found[field.name, default: []].append(p) }
        }
        return found
    }

    static func expected(_ field: BookField) -> String {
        switch field.kind {
        case .year: "a year, like 1999"
        case .integer: "a whole number"
        case .flag: "yes or no"
        case .text, .lines, .isbn: "text"
        }
    }

    public struct Unreadable: Error, Equatable, Sendable {
        public var message: String
    }
}

extension BookValue {
    public var text: String? { if case .text(let s) = self { s } else { nil } }
    public var number: Int? { if case .number(let n) = self { n } else { nil } }
    public var flag: Bool? { if case .flag(let b) = self { b } else { nil } }
}
