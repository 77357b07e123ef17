import Testing

@testable import BookTUI

@Suite("Forms: focus, live checks, the server's errors")
struct FormTests {
    init() { _ = utf8Locale }

    func form() -> Form {
        Form([
            Field("title", "Title"), Field("author", "Author") { $0.count > 5 ? "too long" : nil },
            Field("is_available", "Available", toggle: false), Field("isbn", "ISBN"),
        ])
    }

    @Test func tabOrderWrapsAndSkipsReadOnly() {
        let f = form()
        f.fields[3].readOnly = true
        f.handle(.tab); f.handle(.tab)
        #expect(f.focus == 2)
        f.handle(.tab)
        #expect(f.focus == 0)
        f.handle(.backTab)
        #expect(f.focus == 2)
    }

    @Test func serverErrorsGoBesideTheirFieldsAndTheRestBelow() {
        let f = form()
        for c in "Dune" { f.handle(.char(c)) }
        f.apply(serverErrors: ["author": ["This field is required."], "non_field_errors": ["Duplicate book."]])
        #expect(f.focus == 1)
        #expect(f.field("author")?.problem == "This field is required.")
        #expect(f.formError == "Duplicate book.")
        #expect(f.field("title")?.value == "Dune")  // input kept
        f.handle(.char("X"))  // editing clears the field's server error
        #expect(f.field("author")?.serverError == nil)
        let g = GridSurface(rows: 10, cols: 80)
        f.fields[1].serverError = "Nope."
        f.draw(g, top: 0, left: 0, width: 80)
        #expect(g.row(1).contains("✗ Nope."))
        #expect(g.text.contains("✗ Author: Nope."))
    }

    @Test func liveCheckBeatsServerMessageAndChangesAreTracked() {
        let f = form()
        #expect(!f.changed)
        f.handle(.tab)
        for c in "Frank Herbert" { f.handle(.char(c)) }
        #expect(f.field("author")?.problem == "too long")
        #expect(f.firstProblem?.1 == "too long")
        f.handle(.tab)
        f.handle(.char(" "))
        #expect(f.field("is_available")?.toggle == true)
        #expect(f.changed)
    }

    @Test func maskedFieldsNeverShowTheirText() {
        let f = Form([Field("password", "Password", masked: true)])
        for c in "s3cret" { f.handle(.char(c)) }
        let g = GridSurface(rows: 3, cols: 80)
        f.draw(g, top: 0, left: 0, width: 80)
        #expect(!g.text.contains("s3cret"))
        #expect(g.row(0).contains("••••••"))
    }
}
