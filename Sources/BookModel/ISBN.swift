/// ISBN-10 and ISBN-13: checking, and normalisation to the ISBN-13 a book is stored with.
public enum ISBN {
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case badLength, badCharacter, badChecksum

        /// The API's sentence for the field (book-server's 400 answers).
        public var description: String {
            switch self {
            case .badLength: "Enter an ISBN-10 or ISBN-13 (10 or 13 digits)."
            case .badCharacter: "An ISBN may contain only digits, hyphens, spaces and a final X."
            case .badChecksum: "This ISBN's check digit is wrong; check for a typo."
            }
        }

        /// The short form shown beside a form field or an imported row.
        public var message: String {
            switch self {
            case .badLength: "ISBN must have 10 or 13 digits"
            case .badCharacter: "ISBN may hold only digits, dashes and a final X"
            case .badChecksum: "ISBN check digit is wrong"
            }
        }
    }

    /// Digits (and a final X), spaces and hyphens removed, upper-cased.
    public static func compact(_ input: String) -> String {
        String(input.filter { $0 != "-" && $0 != " " }).uppercased()
    }

    /// The 13 digits of a valid ISBN-10 or ISBN-13, hyphens and spaces allowed in the input.
    public static func normalize(_ input: String) -> Result<String, Problem> {
        let chars = Array(compact(input))
        guard chars.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "X") }) else { return .failure(.badCharacter) }
        switch chars.count {
        case 10:
            guard chars.dropLast().allSatisfy(\.isNumber) else { return .failure(.badCharacter) }
            let sum = chars.enumerated().reduce(0) { acc, item in
                acc + (item.element == "X" ? 10 : digit(item.element)) * (10 - item.offset)
            }
            guard sum % 11 == 0 else { return .failure(.badChecksum) }
            let body = "978" + String(chars.prefix(9))
            return .success(body + String(check13(body)))
        case 13:
            guard chars.allSatisfy(\.isNumber) else { return .failure(.badCharacter) }
            let body = String(chars.prefix(12))
            guard check13(body) == digit(chars[12]) else { return .failure(.badChecksum) }
            return .success(String(chars))
        default:
            return .failure(.badLength)
        }
    }

    /// What is wrong with `input` as an ISBN; nil when it is a valid one.
    public static func problem(_ input: String) -> Problem? {
        if case .failure(let problem) = normalize(input) { return problem }
        return nil
    }

    /// The ISBN-13 of a valid ISBN-10 or ISBN-13; nil for anything else.
    public static func toISBN13(_ input: String) -> String? { try? normalize(input).get() }

    /// The ISBN-10 of an ISBN-13 that has one (978 prefix); nil for 979 numbers, which have none.
    public static func isbn10(of isbn13: String) -> String? {
        guard isbn13.count == 13, isbn13.hasPrefix("978"), isbn13.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let body = Array(isbn13.dropFirst(3).prefix(9))
        let sum = body.enumerated().reduce(0) { $0 + digit($1.element) * (10 - $1.offset) }
        let check = (11 - sum % 11) % 11
        return String(body) + (check == 10 ? "X" : String(check))
    }

    /// The ISBN-13 check digit of 12 digits.
    static func check13(_ twelve: String) -> Int {
        let sum = twelve.enumerated().reduce(0) { acc, item in
            acc + digit(item.element) * (item.offset.isMultiple(of: 2) ? 1 : 3)
        }
        return (10 - sum % 10) % 10
    }

    private static func digit(_ c: Character) -> Int { Int(c.asciiValue! - UInt8(ascii: "0")) }
}
