/// ISBN-10 and ISBN-13 checking and normalisation to ISBN-13.
public enum ISBN {
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case badLength, badCharacter, badChecksum
        public var description: String {
            switch self {
            case .badLength: "Enter an ISBN-10 or ISBN-13 (10 or 13 digits)."
            case .badCharacter: "An ISBN may contain only digits, hyphens, spaces and a final X."
            case .badChecksum: "This ISBN's check digit is wrong; check for a typo."
            }
        }
    }

    /// The 13 digits of a valid ISBN-10 or ISBN-13, hyphens and spaces allowed in the input.
    public static func normalize(_ input: String) -> Result<String, Problem> {
        let stripped = input.filter { $0 != "-" && $0 != " " }
        guard stripped.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "X" || $0 == "x") }) else {
            return .failure(.badCharacter)
        }
        let chars = Array(stripped.uppercased())
        switch chars.count {
        case 10:
            guard chars.dropLast().allSatisfy(\.isNumber) else { return .failure(.badCharacter) }
            let sum = chars.enumerated().reduce(0) { acc, item in
                let value = item.element == "X" ? 10 : Int(String(item.element))!
                return acc + value * (10 - item.offset)
            }
            guard sum % 11 == 0 else { return .failure(.badChecksum) }
            let body = "978" + String(chars.prefix(9))
            return .success(body + String(check13(body)))
        case 13:
            guard chars.allSatisfy(\.isNumber) else { return .failure(.badCharacter) }
            let body = String(chars.prefix(12))
            guard check13(body) == Int(String(chars[12]))! else { return .failure(.badChecksum) }
            return .success(String(chars))
        default:
            return .failure(.badLength)
        }
    }

    /// The ISBN-10 of an ISBN-13 that has one (978 prefix); nil for 979 numbers, which have none.
    public static func isbn10(of isbn13: String) -> String? {
        guard isbn13.count == 13, isbn13.hasPrefix("978"), isbn13.allSatisfy(\.isNumber) else { return nil }
        let body = Array(isbn13.dropFirst(3).prefix(9))
        let sum = body.enumerated().reduce(0) { $0 + Int(String($1.element))! * (10 - $1.offset) }
        let check = (11 - sum % 11) % 11
        return String(body) + (check == 10 ? "X" : String(check))
    }

    /// The ISBN-13 check digit of 12 digits.
    static func check13(_ twelve: String) -> Int {
        let sum = twelve.enumerated().reduce(0) { acc, item in
            acc + Int(String(item.element))! * (item.offset.isMultiple(of: 2) ? 1 : 3)
        }
        return (10 - sum % 10) % 10
    }
}
