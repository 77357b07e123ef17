import CNcurses

#if canImport(Glibc)
import Glibc
#endif

/// The only code that calls curses: start-up, teardown, drawing and reading keys.
public final class CursesTerminal: Surface {
    public private(set) var rows = 24
    public private(set) var cols = 80
    let useColor: Bool
    var started = false
    var attrs: [Style: attr_t] = [:]

    /// - Parameter monochrome: no colours even if the terminal has them (also under `NO_COLOR`).
    public init(monochrome: Bool) {
        self.useColor = !monochrome
    }

    /// Why this terminal cannot run a full-screen program (`TERM=dumb`, a name terminfo does not
    /// know), or nil when it can.
    public static func unusableReason(environment: [String: String]) -> String? {
        if cn_terminal_usable() != 0 { return nil }
        let term = environment["TERM"].map { $0.isEmpty ? "(empty)" : $0 } ?? "(not set)"
        return
            "this terminal (TERM=\(term)) cannot show a full-screen program; run booktui in a terminal emulator, e.g. with TERM=xterm-256color"
    }

    /// Puts the terminal in full-screen raw mode. Raw (not cbreak) so that Ctrl-S and Ctrl-C
    /// reach us as keys instead of flow control and a signal.
    public func start() {
        setlocale(LC_ALL, "")
        cn_install_signal_handlers()
        // A short ESC delay keeps Esc snappy; ncurses reads ESCDELAY only from the environment or this.
        set_escdelay(25)
        initscr()
        started = true
        raw()
        noecho()
        nonl()
        keypad(cn_stdscr(), true)
        wtimeout(cn_stdscr(), 50)
        curs_set(0)
        setupStyles()
        updateSize()
        learnClusterWidths()
    }

    /// Asks the terminal how it draws emoji sequences (see `WidthProbe`), so that what booktui
    /// measures, what curses counts and what the terminal shows are the same columns. Keys that
    /// arrived meanwhile are handed back to curses in their order.
    func learnClusterWidths() {
        let (widths, typeAhead) = WidthProbe.run()
        DisplayWidth.terminal = widths ?? .perScalar
        for scalar in String(decoding: typeAhead, as: UTF8.self).unicodeScalars.reversed() {
            _ = cn_unget_wch(scalar.value)
        }
        cn_repaint_all()
    }

    /// Gives the terminal back exactly as it was.
    public func stop() {
        guard started else { return }
        started = false
        curs_set(1)
        endwin()
    }

    func setupStyles() {
        let bold = cn_a_bold(), rev = cn_a_reverse(), dim = cn_a_dim(), ul = cn_a_underline()
        let colours = useColor && has_colors()
        if colours {
            start_color()
            use_default_colors()
            // pair: (fg, bg); -1 is the terminal's default.
            let pairs: [(Style, Int16, Int16)] = [
                (.title, Int16(COLOR_WHITE), Int16(COLOR_BLUE)),
                (.header, Int16(COLOR_CYAN), -1),
                (.selected, Int16(COLOR_BLACK), Int16(COLOR_CYAN)),
                (.error, Int16(COLOR_RED), -1),
                (.ok, Int16(COLOR_GREEN), -1),
                (.key, Int16(COLOR_YELLOW), -1),
                (.field, -1, -1),
                (.fieldFocused, Int16(COLOR_BLACK), Int16(COLOR_WHITE)),
                (.status, Int16(COLOR_BLACK), Int16(COLOR_WHITE)),
                (.warning, Int16(COLOR_YELLOW), -1),
                (.dim, -1, -1),
            ]
            for (i, p) in pairs.enumerated() {
                init_pair(Int16(i + 1), p.1, p.2)
                var a = cn_color_pair(Int32(i + 1))
                switch p.0 {
                case .title, .header, .error: a |= bold
                case .dim: a |= dim
                case .field: a |= ul
                default: break
                }
                attrs[p.0] = a
            }
        } else {
            attrs = [
                .title: rev | bold, .header: bold | ul, .selected: rev, .error: bold, .ok: bold,
                .key: bold, .field: ul, .fieldFocused: rev, .status: rev, .warning: bold, .dim: dim,
            ]
        }
        attrs[.normal] = cn_a_normal()
    }

    public func updateSize() {
        var y: Int32 = 0, x: Int32 = 0
        cn_getmaxyx(&y, &x)
        rows = Int(y); cols = Int(x)
    }

    public func clear() { werase(cn_stdscr()) }

    public func put(_ row: Int, _ col: Int, _ text: String, _ style: Style) {
        guard row >= 0, row < rows, col >= 0, col < cols else { return }
        cn_attrset(attrs[style] ?? cn_a_normal())
        let text = DisplayWidth.visible(text)
        let widths = DisplayWidth.terminal
        if widths == .perScalar || text.utf8.allSatisfy({ $0 < 0x80 }) {
            _ = text.withCString { cn_put(Int32(row), Int32(col), $0, -1) }
        } else {
            putClusters(row, col, text, widths)
        }
        cn_attrset(cn_a_normal())
    }

    /// Draws text whose emoji sequences the terminal joins where curses, counting scalar by
    /// scalar, would not: such a cluster goes into cells of its own (`cn_put_cell`) so curses
    /// moves on by the columns the terminal takes; the rest is drawn in runs as usual. A sequence
    /// too long for one curses cell is drawn as its first emoji, padded to the same columns.
    func putClusters(_ row: Int, _ col: Int, _ text: String, _ widths: ClusterWidths) {
        var x = col, runStart = col
        var run = ""
        func flush() {
            if !run.isEmpty { _ = run.withCString { cn_put(Int32(row), Int32(runStart), $0, -1) } }
            run = ""
        }
        for c in text {
            guard x < cols else { break }
            let w = DisplayWidth.of(c, widths)
            if w == DisplayWidth.of(c, .perScalar) {
                if run.isEmpty { runStart = x }
                run.append(c)
                x += w
                continue
            }
            flush()
            for segment in DisplayWidth.segments(c, widths) where x < cols {
                var scalars = segment.scalars.map(\.value)
                let lead = DisplayWidth.scalarWidth(segment.scalars[0])
                if lead != segment.columns || scalars.count > Int(cn_cell_capacity()) {
                    scalars = [scalars[0]] + Array(repeating: 0x20, count: max(0, segment.columns - max(lead, 0)))
                    _ = String(String.UnicodeScalarView(scalars.compactMap(Unicode.Scalar.init))).withCString {
                        cn_put(Int32(row), Int32(x), $0, -1)
                    }
                } else {
                    _ = cn_put_cell(Int32(row), Int32(x), scalars, Int32(scalars.count))
                }
                x += segment.columns
            }
        }
        flush()
    }

    var cursorPos: (row: Int, col: Int)?
    public func setCursor(_ pos: (row: Int, col: Int)?) { cursorPos = pos }

    /// Shows what was drawn.
    public func present() {
        if let p = cursorPos, p.row < rows, p.col < cols {
            curs_set(1)
            _ = cn_move(Int32(p.row), Int32(p.col))
        } else {
            curs_set(0)
        }
        wrefresh(cn_stdscr())
    }

    /// Writes an escape sequence that draws nothing (OSC 52, copy to the clipboard) straight to
    /// the terminal, after what curses has drawn so far.
    public func passThrough(_ sequence: String) {
        wrefresh(cn_stdscr())
        var bytes = Array(sequence.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { return }
            off += n
        }
    }

    /// The next key, or nil after the read timeout (50 ms) so the caller can do other work.
    public func readKey() -> Key? {
        var ch: UInt32 = 0
        let r = cn_get_wch(&ch)
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            let k = KeyDecoder.functionKey(Int32(ch))
            if k == .resize { updateSize() }
            return k
        }
        return KeyDecoder.character(ch)
    }
}
