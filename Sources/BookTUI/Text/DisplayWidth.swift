import CNcurses
#if canImport(Glibc)
import Glibc
#endif

/// Column widths of text as a terminal draws it: CJK and most emoji take two columns,
/// combining marks none. Uses the C library's wcwidth (needs a UTF-8 locale, set at start-up).
public enum DisplayWidth {
    /// Columns taken by one grapheme cluster.
    public static func of(_ c: Character) -> Int {
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
        let clean = String(s.map { $0 == "\n" || $0 == "\t" ? " " : $0 })
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
