import CWidth
import Synchronization

/// How a terminal lays out a grapheme cluster that holds more than one visible scalar. Terminals
/// disagree: tmux 3.3 draws `👩‍💻` (woman, ZWJ, laptop) in 2 columns but `👍🏽` (thumb, skin tone)
/// in 4 and `❤️` (heart, VS16) in 1; kitty, WezTerm and foot draw all three in 2; xterm draws the
/// first in 4. booktui asks the terminal at start-up (`WidthProbe`) and measures with its answer.
public struct ClusterWidths: Sendable, Equatable, CustomStringConvertible {
    /// A zero-width joiner makes one emoji of its neighbours (`👩‍💻`: 2 columns, not 4).
    public var joinsZWJ: Bool
    /// A skin-tone modifier (U+1F3FB–1F3FF) colours the emoji before it instead of standing alone.
    public var joinsModifiers: Bool
    /// Variation selector 16 turns a one-column symbol into a two-column emoji (`❤️`).
    public var widensVS16: Bool

    public init(joinsZWJ: Bool, joinsModifiers: Bool, widensVS16: Bool) {
        self.joinsZWJ = joinsZWJ
        self.joinsModifiers = joinsModifiers
        self.widensVS16 = widensVS16
    }

    /// Every visible scalar takes its own `wcwidth` columns: how curses itself counts, and what
    /// booktui assumes when the terminal does not answer the probe.
    public static let perScalar = ClusterWidths(joinsZWJ: false, joinsModifiers: false, widensVS16: false)
    /// Emoji sequences as Unicode (UTS #51) means them: what most current terminals do.
    public static let emojiSequences = ClusterWidths(joinsZWJ: true, joinsModifiers: true, widensVS16: true)

    var bits: UInt8 { (joinsZWJ ? 1 : 0) | (joinsModifiers ? 2 : 0) | (widensVS16 ? 4 : 0) }
    init(bits: UInt8) { self.init(joinsZWJ: bits & 1 != 0, joinsModifiers: bits & 2 != 0, widensVS16: bits & 4 != 0) }

    public var description: String {
        "ZWJ \(joinsZWJ ? "joins" : "splits"), skin tones \(joinsModifiers ? "join" : "split"), VS16 \(widensVS16 ? "widens" : "does not widen")"
    }
}

/// Column widths of text as a terminal draws it, measured per grapheme cluster (Swift's
/// `Character`, UAX #29): CJK and emoji take two columns, combining marks none, and an emoji
/// sequence as much as the terminal (see `ClusterWidths`) gives it. Scalar widths come from the C
/// library's `wcwidth` (a UTF-8 locale is set at start-up); no curses here.
public enum DisplayWidth {
    /// What a terminal is shown for a control character (C0, DEL, C1) or a bidi override or
    /// isolate: data from a server must never drive the terminal or reorder the screen.
    public static let placeholder: Unicode.Scalar = "\u{FFFD}"

    private static let terminalBits = Atomic<UInt8>(ClusterWidths.emojiSequences.bits)

    /// How the terminal booktui draws on lays out emoji sequences; set once at start-up.
    public static var terminal: ClusterWidths {
        get { ClusterWidths(bits: terminalBits.load(ordering: .relaxed)) }
        set { terminalBits.store(newValue.bits, ordering: .relaxed) }
    }

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
            if scalar == "\n" || scalar == "\t" {
                out.append(" ")
            } else if isControl(scalar) {
                out.append(placeholder)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Columns of one scalar on its own: 0 for combining marks and joiners, 1 for a control
    /// character (drawn as the placeholder), -1 for what the C library does not know.
    static func scalarWidth(_ s: Unicode.Scalar) -> Int {
        if isControl(s) { return 1 }
        return Int(cw_wcwidth(s.value))
    }

    static func isSkinTone(_ s: Unicode.Scalar) -> Bool { (0x1F3FB...0x1F3FF).contains(s.value) }

    /// One cluster cut into the runs a terminal draws as separate cells: each run starts at a
    /// scalar with a width of its own, unless the terminal joins it to the run before (after a
    /// ZWJ, or a skin tone). Each run's columns: its first scalar's, or 2 when VS16 widens it.
    public static func segments(_ c: Character, _ widths: ClusterWidths) -> [(scalars: [Unicode.Scalar], columns: Int)] {
        var out: [(scalars: [Unicode.Scalar], columns: Int)] = []
        var afterZWJ = false
        for s in c.unicodeScalars {
            let raw = scalarWidth(s)
            let w = raw >= 0 ? raw : (out.isEmpty ? 1 : 0)  // unknown: one column if it leads
            let joined = (afterZWJ && widths.joinsZWJ) || (isSkinTone(s) && widths.joinsModifiers)
            if out.isEmpty || (w > 0 && !joined) {
                out.append(([s], w))
            } else {
                out[out.count - 1].scalars.append(s)
                if s.value == 0xFE0F && widths.widensVS16 && out[out.count - 1].columns == 1 {
                    out[out.count - 1].columns = 2
                }
            }
            afterZWJ = s.value == 0x200D
        }
        return out
    }

    /// Columns taken by one grapheme cluster on a terminal that lays clusters out as `widths`.
    public static func of(_ c: Character, _ widths: ClusterWidths) -> Int {
        if c.isASCII { return c.unicodeScalars.allSatisfy { isControl($0) } ? c.unicodeScalars.count : 1 }
        return segments(c, widths).reduce(0) { $0 + $1.columns }
    }

    /// Columns taken by one grapheme cluster on this terminal.
    public static func of(_ c: Character) -> Int { of(c, terminal) }

    public static func of(_ s: String) -> Int {
        let widths = terminal
        return s.reduce(0) { $0 + of($1, widths) }
    }

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
