/// ISBN checks, as the form does them while the user types.
public enum ISBN {
    public enum Problem: Equatable, Sendable {
        case length, characters, checksum
        public var message: String {
            switch self {
            case .length: "ISBN must have 10 or 13 digits"
            case .characters: "ISBN may hold only digits, dashes and a final X"
            case .checksum: "ISBN check digit is wrong"
            }
        }
    }

    /// Digits (and a final X) with spaces and dashes removed.
    public static func compact(_ s: String) -> String {
        String(s.filter { $0 != "-" && $0 != " " }).uppercased()
    }

    /// nil when valid.
    public static func problem(_ input: String) -> Problem? {
        let s = Array(compact(input))
        if s.contains(where: { !($0.isASCII && ($0.isNumber || $0 == "X")) }) { return .characters }
        if s.count == 10 {
            if s[0..<9].contains("X") { return .characters }
            var sum = 0
            for (i, c) in s.enumerated() {
                let v = c == "X" ? 10 : Int(String(c))!
                sum += v * (10 - i)
            }
            return sum % 11 == 0 ? nil : .checksum
        }
        if s.count == 13 {
            if s.contains("X") { return .characters }
            var sum = 0
            for (i, c) in s.enumerated() { sum += Int(String(c))! * (i % 2 == 0 ? 1 : 3) }
            return sum % 10 == 0 ? nil : .checksum
        }
        return .length
    }

    /// The ISBN-13 form of a valid ISBN-10 or 13, as the server stores it.
    public static func toISBN13(_ input: String) -> String? {
        guard problem(input) == nil else { return nil }
        let s = compact(input)
        if s.count == 13 { return s }
        let body = "978" + s.prefix(9)
        var sum = 0
        for (i, c) in body.enumerated() { sum += Int(String(c))! * (i % 2 == 0 ? 1 : 3) }
        return body + String((10 - sum % 10) % 10)
    }
}
