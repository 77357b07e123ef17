/// The one rule for an e-mail address, shared by the server, the client and the SMTP layer.
///
/// Only a plain `local@domain` passes: exactly one `@`; a local part of at most 64 ASCII characters
/// from RFC 5322's dot-atom (letters, digits, ``!#$%&'*+-/=?^_`{|}~`` and single dots inside), so no
/// angle brackets, commas, quotes, spaces or control characters; a domain of at least two labels of
/// letters, digits and inner hyphens, where letters may be any script's (IDN, e.g. `bücher.example`).
/// Display names (`Name <a@b>`), comments, quoted local parts and IP literals are refused: none of
/// them is needed to reach a person, and each has been used to smuggle a second recipient.
public enum PlainEmail {
    public static let maxLength = 254

    public static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= maxLength else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return isValidLocalPart(parts[0]) && isValidDomain(parts[1])
    }

    static let atext = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)

    static func isValidLocalPart(_ local: Substring) -> Bool {
        guard !local.isEmpty, local.utf8.count <= 64, !local.hasPrefix("."), !local.hasSuffix("."),
            !local.contains("..")
        else { return false }
        return local.unicodeScalars.allSatisfy { s in
            isASCIIAlphanumeric(s) || s == "." || atext.contains(s)
        }
    }

    static func isValidDomain(_ domain: Substring) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            guard !label.isEmpty, label.unicodeScalars.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-")
            else { return false }
            return label.unicodeScalars.allSatisfy { s in
                isASCIIAlphanumeric(s) || s == "-" || (s.value > 0x7F && isIDNCharacter(s))
            }
        }
    }

    static func isASCIIAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
    }

    /// Letters, combining marks and digits of any script; never format characters (bidi overrides),
    /// spaces, punctuation or symbols.
    static func isIDNCharacter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .lowercaseLetter, .uppercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber:
            return true
        default:
            return false
        }
    }
}

extension PlainEmail {
    /// The address with each non-ASCII domain label in its ASCII form (`xn--` and Punycode,
    /// RFC 3492), which every mail server takes without SMTPUTF8. The local part is ASCII already.
    public static func asciiAddress(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return address }
        let domain = address[address.index(after: at)...].split(separator: ".", omittingEmptySubsequences: false)
            .map { label in label.allSatisfy(\.isASCII) ? String(label) : "xn--" + punycode(label.lowercased()) }
        return String(address[..<at]) + "@" + domain.joined(separator: ".")
    }

    /// RFC 3492's encoder (base 36, tmin 1, tmax 26, skew 38, damp 700, bias 72, n 128).
    static func punycode(_ label: String) -> String {
        let base = 36, tmin = 1, tmax = 26
        let input = label.unicodeScalars.map { Int($0.value) }
        func digit(_ d: Int) -> Character { Character(Unicode.Scalar(UInt8(d < 26 ? 97 + d : 22 + d))) }
        func adapt(_ delta: Int, _ points: Int, _ first: Bool) -> Int {
            var delta = first ? delta / 700 : delta / 2
            delta += delta / points
            var k = 0
            while delta > ((base - tmin) * tmax) / 2 {
                delta /= base - tmin
                k += base
            }
            return k + (base - tmin + 1) * delta / (delta + 38)
        }
        var output = String(input.filter { $0 < 0x80 }.map { Character(Unicode.Scalar(UInt8($0))) })
        let basic = output.count
        var handled = basic, n = 128, delta = 0, bias = 72
        if basic > 0 { output.append("-") }
        while handled < input.count {
            let m = input.filter { $0 >= n }.min()!
            delta += (m - n) * (handled + 1)
            n = m
            for c in input {
                if c < n { delta += 1 }
                guard c == n else { continue }
                var q = delta, k = base
                while true {
                    let t = k <= bias ? tmin : (k >= bias + tmax ? tmax : k - bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta, handled + 1, handled == basic)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return output
    }
}
