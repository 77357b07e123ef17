/// One line of editable text with shell-like keys: arrows, Home/End, Ctrl-A/E/K/U/W, Backspace,
/// Delete. Pure state, so it is tested without a terminal.
public struct LineEditor: Equatable, Sendable {
    public private(set) var chars: [Character]
    /// Cursor position in characters (0...chars.count).
    public private(set) var cursor: Int
    /// First character shown when the text is wider than its box.
    public private(set) var scroll: Int = 0

    public init(_ text: String = "") {
        chars = Array(text)
        cursor = chars.count
    }

    public var text: String {
        get { String(chars) }
        set { chars = Array(newValue); cursor = chars.count; scroll = 0 }
    }

    /// Applies a key; returns false if the key is not an editing key.
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c): insert(c)
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(chars.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = chars.count
        case .backspace, .ctrl("h"):
            if cursor > 0 { chars.remove(at: cursor - 1); cursor -= 1 }
        case .delete, .ctrl("d"):
            if cursor < chars.count { chars.remove(at: cursor) }
        case .ctrl("k"): chars.removeSubrange(cursor...)
        case .ctrl("u"): chars.removeSubrange(..<cursor); cursor = 0
        case .ctrl("w"):
            var i = cursor
            while i > 0 && chars[i - 1] == " " { i -= 1 }
            while i > 0 && chars[i - 1] != " " { i -= 1 }
            chars.removeSubrange(i..<cursor)
            cursor = i
        default: return false
        }
        return true
    }

    /// Inserts text at the cursor. A combining mark joins the character before it, as it does
    /// on screen, so the cursor never sits inside a grapheme.
    public mutating func insert(_ c: Character) {
        let before = String(chars[..<cursor]) + String(c)
        let after = chars[cursor...]
        let merged = Array(before)
        chars = merged + after
        cursor = merged.count
    }

    public mutating func insert(_ s: String) { for c in s { insert(c) } }

    /// The cursor to the start (a long value being edited shows its beginning first).
    public mutating func moveHome() { cursor = 0; scroll = 0 }

    /// The text from its start as it fits `width` columns, `…` last when it is cut: how a field
    /// without the cursor shows.
    public func preview(width: Int, mask: Character? = nil) -> String {
        let shown = String(mask.map { m in chars.map { _ in m } } ?? chars)
        return DisplayWidth.of(shown) <= width ? shown : DisplayWidth.fit(shown, width: width)
    }

    /// The visible part for a box `width` columns wide, and the cursor's column in it.
    /// Scrolls so the cursor stays visible.
    public mutating func view(width: Int, mask: Character? = nil) -> (text: String, cursorColumn: Int) {
        guard width > 1 else { return ("", 0) }
        let shown = mask.map { m in chars.map { _ in m } } ?? chars
        let widths = shown.map { DisplayWidth.of($0) }
        if cursor < scroll { scroll = cursor }
        // Move the window right until the cursor (plus one cell for it) fits.
        while scroll < cursor && widths[scroll..<cursor].reduce(0, +) + 1 > width { scroll += 1 }
        var out = ""
        var used = 0
        var col = 0
        for i in scroll..<shown.count {
            if i == cursor { col = used }
            if used + widths[i] > width { break }
            out.append(shown[i])
            used += widths[i]
        }
        if cursor >= shown.count { col = used }
        return (out, min(col, width - 1))
    }
}
