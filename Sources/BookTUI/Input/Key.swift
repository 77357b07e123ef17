import CNcurses

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

/// Maps what `wget_wch` returns to `Key`. Pure, so it is tested without a terminal.
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

    /// A function-key code (`wget_wch` returned KEY_CODE_YES).
    public static func functionKey(_ code: Int32) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        default:
            for n in 1...12 where code == cn_key_f(Int32(n)) { return .function(n) }
            return .unknown(Int(code))
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
