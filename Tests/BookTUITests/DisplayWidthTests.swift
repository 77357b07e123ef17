import Foundation
import Testing

@testable import BookTUI

@Suite("Column widths of wide, combining and emoji text")
struct DisplayWidthTests {
    init() { _ = utf8Locale }

    @Test func widths() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("三体") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1)  // e + combining acute: one column
        #expect(DisplayWidth.of("Exupe\u{301}ry") == 7)
        #expect(DisplayWidth.of("👍") == 2)
        #expect(DisplayWidth.of("❤\u{FE0F}") == 2)  // emoji presentation
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

@Suite("Emoji sequences measured as the terminal draws them")
struct ClusterWidthTests {
    init() { _ = utf8Locale }

    let coder: Character = "\u{1F469}\u{200D}\u{1F4BB}"  // 👩‍💻 woman, ZWJ, laptop
    let family: Character = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"
    let thumb: Character = "\u{1F44D}\u{1F3FD}"  // 👍🏽 thumb, medium skin tone
    let flag: Character = "\u{1F1EB}\u{1F1F7}"  // 🇫🇷 two regional indicators
    let heart: Character = "\u{2764}\u{FE0F}"  // ❤️ heart, VS16
    let keycap: Character = "1\u{FE0F}\u{20E3}"  // 1️⃣

    @Test func eachClusterIsOneMeasurement() {
        #expect("Ada \(coder) \(flag)".count == 7)  // Swift's Character is UAX #29's cluster
        #expect(DisplayWidth.of(coder, .emojiSequences) == 2)
        #expect(DisplayWidth.of(family, .emojiSequences) == 2)
        #expect(DisplayWidth.of(thumb, .emojiSequences) == 2)
        #expect(DisplayWidth.of(flag, .emojiSequences) == 2)
        #expect(DisplayWidth.of(heart, .emojiSequences) == 2)
        #expect(DisplayWidth.of(keycap, .emojiSequences) == 2)
    }

    @Test func cursesCountsScalarByScalar() {
        #expect(DisplayWidth.of(coder, .perScalar) == 4)
        #expect(DisplayWidth.of(family, .perScalar) == 8)
        #expect(DisplayWidth.of(thumb, .perScalar) == 4)
        #expect(DisplayWidth.of(flag, .perScalar) == 2)
        #expect(DisplayWidth.of(heart, .perScalar) == 1)
        #expect(DisplayWidth.of(keycap, .perScalar) == 1)
        #expect(DisplayWidth.of("e\u{301}", .perScalar) == 1)
    }

    @Test func tmuxJoinsZWJButNotSkinTonesNorVS16() {
        let tmux = ClusterWidths(joinsZWJ: true, joinsModifiers: false, widensVS16: false)
        #expect(DisplayWidth.of(coder, tmux) == 2)
        #expect(DisplayWidth.of(thumb, tmux) == 4)
        #expect(DisplayWidth.of(heart, tmux) == 1)
        // The cells the driver gives curses: one per run the terminal draws apart.
        #expect(DisplayWidth.segments(coder, tmux).map(\.columns) == [2])
        #expect(DisplayWidth.segments(coder, tmux)[0].scalars.count == 3)
        #expect(DisplayWidth.segments(thumb, tmux).map(\.columns) == [2, 2])
    }

    @Test func fittingARowWithSequencesKeepsItsColumns() {
        let title = "\(coder) Coders at work \(flag) \(thumb)"
        let drawn = DisplayWidth.fit(title, width: 12)
        #expect(DisplayWidth.of(drawn) == 12)
        #expect(drawn.first == coder)
        #expect(DisplayWidth.fit(String(repeating: family, count: 3), width: 5) == "\(family)\(family)…")
    }

    @Test func theProbeReadsReportsAndKeepsTypeAhead() {
        // tmux's answers to the three probes, with "97" typed (a scanner) in between.
        let reply = Array("\u{1B}[1;3R9\u{1B}[1;5R7\u{1B}[1;2R".utf8)
        let (columns, typeAhead) = WidthProbe.parse(reply)
        #expect(columns == [3, 5, 2])
        #expect(typeAhead == Array("97".utf8))
        #expect(WidthProbe.widths(columns: columns) == ClusterWidths(joinsZWJ: true, joinsModifiers: false, widensVS16: false))
        #expect(WidthProbe.widths(columns: [3, 3, 3]) == .emojiSequences)
        #expect(WidthProbe.widths(columns: [3, 5]) == nil)  // a terminal that answered only part
        // An arrow key (ESC [ A) is not a report: it stays input.
        #expect(WidthProbe.parse(Array("\u{1B}[A\u{1B}[1;3R".utf8)) == ([3], Array("\u{1B}[A".utf8)))
    }
}
