import BookModel
import Foundation

/// What search matches against, and how a search term is put in the same form: case and accents
/// folded (`metro` finds `métro`, `bronte` finds `Brontë`), and an ISBN found by any of its forms
/// (ISBN-10 or -13, with or without hyphens), on every database alike: the folding is done here,
/// not by a database collation.
enum SearchText {
    /// The stored column: folded title and author, then the ISBN-13 and, for a 978 ISBN, its
    /// ISBN-10 (the number printed on older books), separated by U+001F so no term spans two.
    static func of(title: String, author: String, isbn: String?) -> String {
        [fold(title), fold(author), isbn ?? "", isbn.flatMap(isbn10) ?? ""].joined(separator: "\u{1F}")
    }

    /// A search term in the form of the stored column. A whole valid ISBN becomes its ISBN-13; a
    /// run of digits and hyphens (part of an ISBN) loses its hyphens and spaces.
    static func term(_ raw: String) -> String {
        let t = raw.trimmingCharacters(in: .whitespaces)
        let compact = t.filter { $0 != "-" && $0 != " " }
        if case .success(let isbn13) = ISBN.normalize(t) { return isbn13 }
        if !compact.isEmpty, compact.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "x" || $0 == "X") }) {
            return compact.lowercased()
        }
        return fold(t)
    }

    /// Lower case, without diacritics; the Latin letters that do not decompose are spelled out.
    static func fold(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark: continue
            default: break
            }
            if let spelled = letters[scalar] { out.append(contentsOf: spelled.unicodeScalars) } else { out.append(scalar) }
        }
        return String(out)
    }

    private static let letters: [Unicode.Scalar: String] = [
        "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i", "ħ": "h",
    ]

    /// The ISBN-10 of an ISBN-13 that begins with 978; nil for 979 numbers, which have none.
    static func isbn10(_ isbn13: String) -> String? {
        guard isbn13.count == 13, isbn13.hasPrefix("978"), isbn13.allSatisfy(\.isNumber) else { return nil }
        let body = Array(isbn13.dropFirst(3).prefix(9))
        let sum = body.enumerated().reduce(0) { $0 + Int(String($1.element))! * (10 - $1.offset) }
        let check = (11 - sum % 11) % 11
        return String(body) + (check == 10 ? "x" : String(check))
    }
}
