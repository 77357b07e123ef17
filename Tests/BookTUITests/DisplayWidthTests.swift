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
