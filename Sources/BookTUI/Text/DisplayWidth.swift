import CNcurses
#if canImport(Glibc)
import Glibc
#endif

/// Column widths of text as a terminal draws it: CJK and most emoji take two columns,
/// combining marks none. Uses the C library's wcwidth (needs a UTF-8 locale, set at start-up).
public enum DisplayWidth {
    /// What a terminal is shown for a control character (C0, DEL, C1) or a bidi override or
    /// isolate: data from a server must never drive the terminal or reorder the screen.
    public static let placeholder: Unicode.Scalar = "\u{FFFD}"

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// `s` safe to draw: tab and newline become a space, every other control character (and bidi
    /// control) the placeholder `�`. Every string drawn goes through here (`fit`, and the curses
    /// driver's `put`), so this is the one place that decides.
    public static func visible(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if scalar == "\n" || scalar == "\t" { out.append(" ") }
            else if isControl(scalar) { out.append(placeholder) }
            else { out.append(scalar) }
        }
        return String(out)
    }

    /// Columns taken by one grapheme cluster, as drawn (control characters as their placeholder).
    public static func of(_ c: Character) -> Int {
        if c.unicodeScalars.contains(where: isControl) {
            return visible(String(c)).reduce(0) { $0 + of($1) }
        }
        var w = 0
        var first = true
        for s in c.unicodeScalars {
            let v = s.value
            if v == 0xFE0F { w = max(w, 2); continue }          // emoji presentation selector
            if v == 0x200D { continue }                         // zero-width joiner
            var sw = Int(cn_wcwidth(v))
            if sw < 0 { sw = first ? (v < 0x20 || (v >= 0x7F && v < 0xA0) ? 0 : 1) : 0 }
            if first { w = sw } else if sw == 2 { w = max(w, 2) }
            first = false
        }
        return w
    }

    public static func of(_ s: String) -> Int { s.reduce(0) { $0 + of($1) } }

    /// The longest prefix that fits in `width` columns.
    public static func prefix(_ s: String, width: Int) -> String {
        var out = ""
        var used = 0
        for c in s {
            let w = of(c)
            if used + w > width { break }
            out.append(c)
            used += w
        }
        return out
    }

    /// Exactly `width` columns: clipped (with `…` when `ellipsis`) or padded with spaces.
    public static func fit(_ s: String, width: Int, ellipsis: Bool = true, alignRight: Bool = false) -> String {
        guard width > 0 else { return "" }
        let clean = visible(s)
        let w = of(clean)
        if w <= width {
            let pad = String(repeating: " ", count: width - w)
            return alignRight ? pad + clean : clean + pad
        }
        if ellipsis {
            let p = prefix(clean, width: width - 1) + "…"
            return p + String(repeating: " ", count: width - of(p))
        }
        let p = prefix(clean, width: width)
        return p + String(repeating: " ", count: width - of(p))
    }
}
