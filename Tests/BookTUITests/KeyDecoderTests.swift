import CNcurses
import Testing

@testable import BookTUI

@Suite("Keys decoded from curses codes")
struct KeyDecoderTests {
    @Test func controlCharacters() {
        #expect(KeyDecoder.character(9) == .tab)
        #expect(KeyDecoder.character(10) == .enter)
        #expect(KeyDecoder.character(13) == .enter)
        #expect(KeyDecoder.character(27) == .escape)
        #expect(KeyDecoder.character(127) == .backspace)
        #expect(KeyDecoder.character(8) == .backspace)
        #expect(KeyDecoder.character(1) == .ctrl("a"))
        #expect(KeyDecoder.character(19) == .ctrl("s"))
        #expect(KeyDecoder.character(14) == .ctrl("n"))
        #expect(KeyDecoder.character(3) == .ctrl("c"))
    }

    @Test func printableAndWideCharacters() {
        #expect(KeyDecoder.character(UInt32(UInt8(ascii: "q"))) == .char("q"))
        #expect(KeyDecoder.character(0x4E09) == .char("三"))
        #expect(KeyDecoder.character(0x1F600) == .char("😀"))
    }

    @Test func functionKeys() {
        #expect(KeyDecoder.functionKey(KEY_UP) == .up)
        #expect(KeyDecoder.functionKey(KEY_NPAGE) == .pageDown)
        #expect(KeyDecoder.functionKey(KEY_PPAGE) == .pageUp)
        #expect(KeyDecoder.functionKey(KEY_BTAB) == .backTab)
        #expect(KeyDecoder.functionKey(KEY_RESIZE) == .resize)
        #expect(KeyDecoder.functionKey(KEY_HOME) == .home)
        #expect(KeyDecoder.functionKey(KEY_DC) == .delete)
        #expect(KeyDecoder.functionKey(cn_key_f(1)) == .function(1))
    }
}
