import Testing

@testable import BookTUI

@Suite("Shell-like line editing")
struct LineEditorTests {
    init() { _ = utf8Locale }

    func typed(_ s: String) -> LineEditor {
        var e = LineEditor()
        for c in s { e.handle(.char(c)) }
        return e
    }

    @Test func movingAndInserting() {
        var e = typed("hello world")
        e.handle(.ctrl("a"))
        e.handle(.char(">"))
        #expect(e.text == ">hello world" && e.cursor == 1)
        e.handle(.end)
        e.handle(.left)
        e.handle(.backspace)
        #expect(e.text == ">hello word")
        e.handle(.home)
        e.handle(.delete)
        #expect(e.text == "hello word")
    }

    @Test func killKeys() {
        var e = typed("one two  three")
        e.handle(.ctrl("w"))
        #expect(e.text == "one two  ")
        e.handle(.ctrl("w"))
        #expect(e.text == "one ")
        e = typed("abcdef")
        for _ in 0..<3 { e.handle(.left) }
        e.handle(.ctrl("k"))
        #expect(e.text == "abc")
        e.handle(.left)
        e.handle(.ctrl("u"))
        #expect(e.text == "c" && e.cursor == 0)
        e.handle(.ctrl("e"))
        #expect(e.cursor == 1)
    }

    @Test func combiningMarkJoinsThePreviousCharacter() {
        var e = typed("e")
        e.handle(.char("\u{301}"))
        #expect(e.chars.count == 1 && e.text == "e\u{301}" && e.cursor == 1)
    }

    @Test func nonEditingKeysAreNotTaken() {
        var e = typed("x")
        #expect(e.handle(.tab) == false)
        #expect(e.handle(.ctrl("s")) == false)
    }

    @Test func viewScrollsToKeepTheCursorVisible() {
        var e = typed("abcdefghijklmnopqrstuvwxyz")
        let v = e.view(width: 10)
        #expect(v.text.hasSuffix("z") && v.cursorColumn == 9 && v.text.count <= 10)
        e.handle(.home)
        let h = e.view(width: 10)
        #expect(h.text.hasPrefix("abc") && h.cursorColumn == 0)
        var w = typed("三体三体三体")
        let wv = w.view(width: 7)
        #expect(DisplayWidth.of(wv.text) <= 7 && wv.cursorColumn <= 6)
        var m = typed("secret")
        #expect(m.view(width: 20, mask: "•").text == "••••••")
    }
}
