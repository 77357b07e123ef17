/// A key press, decoded from curses so screens never see curses codes.
public enum Key: Equatable, Sendable, Hashable {
    case char(Character)
    /// Control plus a lower-case letter, e.g. `.ctrl("s")`.
    case ctrl(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)
    /// The terminal changed size.
    case resize
    case unknown(Int)
}

/// Maps what `wget_wch` returns to `Key`. Pure, so it is tested without a terminal; the
/// function-key codes, which are curses constants, are mapped in `Driver/CursesKeys.swift`.
public enum KeyDecoder {
    /// A character value (`wget_wch` returned OK).
    public static func character(_ value: UInt32) -> Key {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 0: return .ctrl("@")
        case 1...26: return .ctrl(Character(UnicodeScalar(value + 96)!))
        case 28...31: return .unknown(Int(value))
        default:
            guard let s = UnicodeScalar(value) else { return .unknown(Int(value)) }
            return .char(Character(s))
        }
    }

    /// A short name for help texts and tests.
    public static func name(_ k: Key) -> String {
        switch k {
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        default: return String(describing: k)
        }
    }
}
