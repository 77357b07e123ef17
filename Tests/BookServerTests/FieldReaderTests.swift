import Testing

@testable import BookServer

@Suite struct FieldReaderTests {
    @Test func collectsEveryProblemAtOnce() {
        var r = FieldReader(["title": .string(""), "published_year": .string("MCMLXV"), "pages": .bool(true)])
        _ = r.string("title", maxLength: 100)
        _ = r.string("author")
        _ = r.int("published_year")
        _ = r.int("pages", required: false)
        #expect(
            r.errors.fields == [
                "title": ["This field may not be blank."],
                "author": ["This field is required."],
                "published_year": ["A valid integer is required."],
                "pages": ["A valid integer is required."],
            ])
    }

    @Test func partialReadsLeaveMissingFieldsAlone() {
        var r = FieldReader([:], partial: true)
        guard case .absent = r.string("title") else { Issue.record("expected absent"); return }
        #expect(r.errors.isEmpty)
    }

    @Test func numbersAndBooleansAreReadLikeDRF() {
        var r = FieldReader(["year": .string(" 1965 "), "flag": .string("yes"), "name": .int(42)])
        guard case .value(1965?) = r.int("year"), case .value(true) = r.bool("flag"),
            case .value("42"?) = r.string("name")
        else { Issue.record("unexpected outcome"); return }
        #expect(r.errors.isEmpty)
    }

    @Test func rangesAreReported() {
        var r = FieldReader(["pages": .int(0)])
        _ = r.int("pages", range: 1...10)
        #expect(r.errors.fields["pages"] == ["Ensure this value is greater than or equal to 1."])
    }

    @Test(arguments: [
        "Dune\u{1B}[2J", "a\u{07}b", "Null\u{00}", "DEL\u{7F}", "C1\u{9B}31m", "\u{202E}evil", "iso\u{2066}late", "two\nlines",
    ])
    func printableTextRefusesControlCharacters(text: String) {
        var r = FieldReader(["title": .string(text)])
        guard case .invalid = r.string("title", characters: .printable) else {
            Issue.record("accepted \(text.debugDescription)"); return
        }
        #expect(r.errors.fields["title"]?.first?.hasPrefix("This field may not contain control characters") == true)
    }

    @Test func notesKeepTabsAndNewlinesButNotEscapes() {
        var r = FieldReader(["ok": .string("line one\r\n\tline two"), "bad": .string("line\u{1B}]0;x\u{07}")])
        guard case .value("line one\n\tline two"?) = r.string("ok", characters: .printableLines) else {
            Issue.record("notes with tab and newline refused"); return
        }
        guard case .invalid = r.string("bad", characters: .printableLines) else { Issue.record("ESC accepted in notes"); return }
        // Text that is not shown (passwords) is not checked here.
        guard case .value = r.string("bad") else { Issue.record("default refused"); return }
    }

    @Test func escapedLogTextIsOneLine() {
        #expect(ControlCharacters.escaped("/api/x\n[ CRITICAL ] forged\u{1B}") == "/api/x\\n[ CRITICAL ] forged\\u{1B}")
        #expect(ControlCharacters.escaped("Café 📚") == "Café 📚")
    }
}
