import Foundation
import Testing
@testable import BookTUI

@Suite("Column widths of wide, combining and emoji text")
struct DisplayWidthTests {
    init() { _ = utf8Locale }

    @Test func widths() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("三体") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1)          // e + combining acute: one column
        #expect(DisplayWidth.of("Exupe\u{301}ry") == 7)
        #expect(DisplayWidth.of("👍") == 2)
        #expect(DisplayWidth.of("❤\u{FE0F}") == 2)         // emoji presentation
    }

    @Test func fitClipsAndPadsToExactColumns() {
        #expect(DisplayWidth.fit("abc", width: 5) == "abc  ")
        #expect(DisplayWidth.fit("abcdef", width: 4) == "abc…")
        #expect(DisplayWidth.of(DisplayWidth.fit("三体三体", width: 5)) == 5)
        #expect(DisplayWidth.fit("三体三体", width: 5) == "三体…")
        #expect(DisplayWidth.fit("三体三体", width: 4, ellipsis: false) == "三体")
        #expect(DisplayWidth.fit("7", width: 4, alignRight: true) == "   7")
        #expect(DisplayWidth.fit("a\tb\nc", width: 5) == "a b c")
    }

    @Test func controlCharactersAreDrawnAsPlaceholders() {
        // A title the seed's server stored as is: clear screen, red, a C1 CSI, a right-to-left override.
        let hostile = "Evil\u{1B}[2J\u{1B}[31mRed\u{9B}1m\u{202E}txt.exe\u{7}"
        let drawn = DisplayWidth.fit(hostile, width: 40)
        #expect(drawn == "Evil\u{FFFD}[2J\u{FFFD}[31mRed\u{FFFD}1m\u{FFFD}txt.exe\u{FFFD}" + String(repeating: " ", count: 12))
        #expect(!drawn.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(DisplayWidth.of(hostile) == DisplayWidth.of(drawn.trimmingCharacters(in: .whitespaces)))
        let g = GridSurface(rows: 1, cols: 12)
        g.text(0, 0, "a\u{1B}b\r\nc", width: 12)
        #expect(g.row(0) == "a\u{FFFD}b\u{FFFD} c" + String(repeating: " ", count: 6))
        // The line editor measures with the same widths, so the cursor lands where it is drawn.
        var editor = LineEditor("x\u{1B}y")
        let view = editor.view(width: 10)
        #expect(DisplayWidth.fit(view.text, width: 10).hasPrefix("x\u{FFFD}y") && view.cursorColumn == 3)
    }

    @Test func gridSurfaceKeepsWideCharactersInTheirCells() {
        let g = GridSurface(rows: 2, cols: 10)
        g.text(0, 0, "三体", width: 5)
        g.text(0, 5, "x", width: 1)
        g.text(1, 0, "abcde", width: 5)
        g.text(1, 5, "x", width: 1)
        #expect(g.row(0) == "三体 x    ")
        #expect(g.row(1) == "abcdex    ")
    }
}
