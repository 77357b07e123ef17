/// How something is drawn; the driver maps these to colours or, without colour, to attributes.
public enum Style: Int, Sendable, CaseIterable {
    case normal, title, header, selected, error, dim, ok, key, field, fieldFocused, status, warning
}

/// Where screens draw: the curses driver in the app, a character grid in tests.
public protocol Surface: AnyObject {
    var rows: Int { get }
    var cols: Int { get }
    func clear()
    /// Draws text that the caller has already fitted to the screen (see `DisplayWidth.fit`).
    func put(_ row: Int, _ col: Int, _ text: String, _ style: Style)
    /// Shows the text cursor at a position, or hides it.
    func setCursor(_ pos: (row: Int, col: Int)?)
}

extension Surface {
    /// Draws `text` in exactly `width` columns (clipped or padded).
    public func text(_ row: Int, _ col: Int, _ text: String, width: Int, _ style: Style = .normal, alignRight: Bool = false) {
        guard row >= 0, row < rows, col < cols, width > 0 else { return }
        let w = min(width, cols - col)
        put(row, col, DisplayWidth.fit(text, width: w, alignRight: alignRight), style)
    }

    /// Draws `text` from `col` to the right edge.
    public func line(_ row: Int, _ text: String, _ style: Style = .normal, col: Int = 0) {
        self.text(row, col, text, width: cols - col, style)
    }
}

/// A surface that records characters in a grid: what a user would see, for tests.
public final class GridSurface: Surface {
    public private(set) var rows: Int
    public private(set) var cols: Int
    var cells: [[String]]
    var styles: [[Style]]
    public private(set) var cursor: (row: Int, col: Int)?

    public init(rows: Int, cols: Int) {
        self.rows = rows; self.cols = cols
        cells = Array(repeating: Array(repeating: " ", count: cols), count: rows)
        styles = Array(repeating: Array(repeating: .normal, count: cols), count: rows)
    }

    public func resize(rows: Int, cols: Int) {
        self.rows = rows; self.cols = cols
        clear()
    }

    public func clear() {
        cells = Array(repeating: Array(repeating: " ", count: cols), count: rows)
        styles = Array(repeating: Array(repeating: .normal, count: cols), count: rows)
    }

    public func put(_ row: Int, _ col: Int, _ text: String, _ style: Style) {
        guard row >= 0, row < rows else { return }
        var c = col
        for ch in text {
            let w = DisplayWidth.of(ch)
            if c + max(w, 1) > cols { break }
            if w == 0 { if c > 0 { cells[row][c - 1] += String(ch) }; continue }
            cells[row][c] = String(ch); styles[row][c] = style
            if w == 2 { cells[row][c + 1] = ""; styles[row][c + 1] = style }
            c += w
        }
    }

    public func setCursor(_ pos: (row: Int, col: Int)?) { cursor = pos }

    /// The text of one row, as the terminal shows it.
    public func row(_ r: Int) -> String { cells[r].joined() }
    public var text: String { (0..<rows).map(row).joined(separator: "\n") }
    public func style(_ r: Int, _ c: Int) -> Style { styles[r][c] }
}
