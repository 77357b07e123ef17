/// The characters that can drive a terminal or reorder what a reader sees: C0 and C1 control
/// characters (and DEL), and the bidirectional embedding, override and isolate marks.
/// Stored text never holds them (tab and newline are allowed where a field says so), and log lines
/// show them escaped.
public enum ControlCharacters {
    /// Bidi embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069.
    static func isBidiControl(_ v: UInt32) -> Bool { (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) }

    public static func isForbidden(_ scalar: Unicode.Scalar, allowTabAndNewline: Bool = false) -> Bool {
        let v = scalar.value
        if allowTabAndNewline && (v == 0x09 || v == 0x0A) { return false }
        return v < 0x20 || (0x7F...0x9F).contains(v) || isBidiControl(v)
    }

    /// The first forbidden character in `text`, if any.
    public static func firstForbidden(in text: String, allowTabAndNewline: Bool = false) -> Unicode.Scalar? {
        text.unicodeScalars.first { isForbidden($0, allowTabAndNewline: allowTabAndNewline) }
    }

    /// `U+001B`: how an error message names a character that cannot be shown.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// `text` on one line with every forbidden character written as `\n`, `\r`, `\t` or `\u{1B}`.
    public static func escaped(_ text: String) -> String {
        guard firstForbidden(in: text) != nil else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isForbidden(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
