import Foundation

/// Reads fields from a JSON object the way Django REST framework's serializers do, collecting
/// every problem in `errors` so the client hears about all fields at once.
public struct FieldReader {
    public let object: [String: JSONValue]
    /// PATCH: a missing field is left alone instead of being required.
    public let partial: Bool
    public var errors = FieldErrors()

    public init(_ object: [String: JSONValue], partial: Bool = false) {
        self.object = object
        self.partial = partial
    }

    /// What became of one field.
    public enum Outcome<T> {
        case absent  // not sent (PATCH), or optional and not sent
        case value(T)  // sent and valid; `nil` inside for an explicit null on a nullable field
        case invalid  // an error has been recorded
    }

    private mutating func raw(_ key: String, required: Bool) -> JSONValue?? {
        guard let value = object[key] else {
            if required && !partial { errors.add(key, "This field is required.") }
            return .some(nil)
        }
        return .some(value)
    }

    /// What a text field may hold besides printable characters.
    public enum Characters: Sendable {
        /// Anything (passwords, tokens: never shown, checked elsewhere).
        case any
        /// No control characters (C0, DEL, C1) and no bidi overrides: text people read in a terminal.
        case printable
        /// As `printable`, but tab and newline allowed (CRLF becomes LF): notes.
        case printableLines
    }

    /// A text field. Numbers are accepted and turned into text, as DRF does.
    public mutating func string(
        _ key: String, required: Bool = true, maxLength: Int? = nil,
        allowBlank: Bool = false, nullable: Bool = false,
        characters: Characters = .any
    ) -> Outcome<String?> {
        guard object[key] != nil else {
            if required && !partial { errors.add(key, "This field is required.") }
            return .absent
        }
        let text: String
        switch object[key]! {
        case .null:
            if nullable { return .value(nil) }
            errors.add(key, "This field may not be null.")
            return .invalid
        case .string(let s):
            let lines = characters == .printableLines ? s.replacingOccurrences(of: "\r\n", with: "\n") : s
            text = lines.trimmingCharacters(in: .whitespacesAndNewlines)
        case .int(let i): text = String(i)
        case .double(let d): text = String(d)
        default:
            errors.add(key, "Not a valid string.")
            return .invalid
        }
        if text.isEmpty && !allowBlank {
            if nullable && !required { return .value(nil) }
            errors.add(key, "This field may not be blank.")
            return .invalid
        }
        if characters != .any,
            let bad = ControlCharacters.firstForbidden(in: text, allowTabAndNewline: characters == .printableLines)
        {
            errors.add(
                key,
                "This field may not contain control characters or bidirectional overrides (found \(ControlCharacters.name(bad)))."
            )
            return .invalid
        }
        if let maxLength, text.count > maxLength {
            errors.add(key, "Ensure this field has no more than \(maxLength) characters.")
            return .invalid
        }
        return .value(text)
    }

    /// A whole number, from a JSON number or a numeric string.
    public mutating func int(
        _ key: String, required: Bool = true, range: ClosedRange<Int>? = nil,
        nullable: Bool = false
    ) -> Outcome<Int?> {
        guard let value = object[key] else {
            if required && !partial { errors.add(key, "This field is required.") }
            return .absent
        }
        let number: Int?
        switch value {
        case .null:
            if nullable { return .value(nil) }
            errors.add(key, "This field may not be null.")
            return .invalid
        case .int(let i): number = i
        case .double(let d): number = d.rounded() == d && abs(d) < 1e15 ? Int(d) : nil
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.isEmpty && nullable && !required { return .value(nil) }
            number = Int(t)
        default: number = nil
        }
        guard let number else {
            errors.add(key, "A valid integer is required.")
            return .invalid
        }
        if let range {
            if number < range.lowerBound {
                errors.add(key, "Ensure this value is greater than or equal to \(range.lowerBound).")
                return .invalid
            }
            if number > range.upperBound {
                errors.add(key, "Ensure this value is less than or equal to \(range.upperBound).")
                return .invalid
            }
        }
        return .value(number)
    }

    /// A boolean, accepting the spellings DRF accepts.
    public mutating func bool(_ key: String) -> Outcome<Bool> {
        guard let value = object[key] else { return .absent }
        if let parsed = Self.parseBool(value) { return .value(parsed) }
        errors.add(key, "Must be a valid boolean.")
        return .invalid
    }

    public static func parseBool(_ value: JSONValue) -> Bool? {
        switch value {
        case .bool(let b): return b
        case .int(1): return true
        case .int(0): return false
        case .string(let s): return parseBool(s)
        default: return nil
        }
    }

    public static func parseBool(_ s: String) -> Bool? {
        switch s.lowercased() {
        case "true", "t", "1", "yes", "y", "on": return true
        case "false", "f", "0", "no", "n", "off": return false
        default: return nil
        }
    }
}
