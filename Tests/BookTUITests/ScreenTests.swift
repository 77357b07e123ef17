import BookClient
import Testing

@testable import BookTUI

/// Screens drawn on a character grid: what a user would see, without a terminal or a server.
@Suite("Screens without a terminal")
struct ScreenTests {
    init() { _ = utf8Locale }

    func app() throws -> App {
        // Nothing listens on port 9: calls fail fast, and these tests do not wait for them.
        let a = App(client: try BookClient(server: "http://127.0.0.1:9", store: nil, timeout: 2))
        a.profile = Profile(id: 1, username: "ann", roles: ["librarian"])
        return a
    }

    @Test func tooSmallTerminalGetsAClearMessage() throws {
        let a = try app()
        a.reset(to: BookListScreen())
        let g = GridSurface(rows: 20, cols: 70)
        a.draw(g)
        #expect(g.text.contains("Terminal too small: 70x20."))
        #expect(g.text.contains("at least 80x24"))
        a.handle(.char("q"), size: (20, 70))  // keys wait until it grows
        #expect(a.running)
        a.handle(.ctrl("c"), size: (20, 70))  // Ctrl-C quits even then, as interrupted
        #expect(!a.running && a.exitStatus == 130)
        a.cancelAll()
    }

    @Test func aLongTitleBeingEditedShowsItsStartAndScrollsWithTheCursor() throws {
        let a = try app()
        a.client.capabilities.learn(AuthConfig(local: true, registration: true, extended: true))
        let long = "The Curious Incident of the Dog in the Night-Time: A Novel in Many Parts, Annotated Edition"
        let form = BookFormScreen(
            book: Book(
                id: 1, title: long, author: "Mark Haddon, with a very long list of co-authors",
                publishedYear: 2003), list: nil)
        a.reset(to: form)
        a.cancelAll()
        var g = GridSurface(rows: 24, cols: 80)
        a.draw(g)
        #expect(g.text.contains("Title The Curious Incident"))  // focused: from the start
        #expect(g.text.contains("Author Mark Haddon, with"))  // not focused: from the start, cut with …
        #expect(g.text.contains("…"))
        a.handle(.end, size: (24, 80))
        g = GridSurface(rows: 24, cols: 80)
        a.draw(g)
        #expect(g.text.contains("Annotated Edition"))
        #expect(!g.text.contains("Title The Curious Incident"))
    }

    @Test func listColumnsLineUpWithWideText() throws {
        let a = try app()
        let list = BookListScreen()
        a.reset(to: list)
        a.cancelAll()
        let books = [
            Book(id: 1, title: "三体 The Three-Body Problem", author: "刘慈欣", publishedYear: 2008, isAvailable: true),
            Book(id: 2, title: "Le Petit Prince", author: "Antoine de Saint-Exupe\u{301}ry", publishedYear: 1943),
        ]
        list.window.receive(page: 0, BookPage(count: 2, results: books), generation: list.window.generation)
        let g = GridSurface(rows: 24, cols: 80)
        a.draw(g)
        let rows = (0..<g.rows).map(g.row)
        let r1 = try #require(rows.first { $0.contains("三体") })
        let r2 = try #require(rows.first { $0.contains("Petit") })
        // In grid cells (one per column), the year starts at the same column in both rows.
        #expect(g.cells[rows.firstIndex(of: r1)!].firstIndex(of: "2") == g.cells[rows.firstIndex(of: r2)!].firstIndex(of: "1"))
        #expect(rows.contains { $0.contains("1–2 of 2") })
        #expect(rows[0].contains("ann (librarian)"))
    }

    @Test func formChecksAsYouTypeAndKeepsInput() throws {
        let a = try app()
        a.client.capabilities.learn(AuthConfig(local: true, registration: true, extended: true))
        let form = BookFormScreen(book: nil, list: nil)
        a.reset(to: BookListScreen())
        a.cancelAll()
        a.push(form)
        for c in "Dune" { a.handle(.char(c), size: (24, 80)) }
        a.handle(.tab, size: (24, 80))
        a.handle(.tab, size: (24, 80))
        for c in "19x5" { a.handle(.char(c), size: (24, 80)) }
        a.handle(.tab, size: (24, 80))
        a.handle(.tab, size: (24, 80))
        for c in "0441172718" { a.handle(.char(c), size: (24, 80)) }
        let g = GridSurface(rows: 24, cols: 80)
        a.draw(g)
        #expect(g.text.contains("✗ a year, like 1999"))
        #expect(g.text.contains("✗ ISBN: ISBN check digit is wrong"))  // the focused field's message in full
        a.handle(.ctrl("s"), size: (24, 80))  // refused before any call: nothing sent
        #expect(!a.isBusy)
        a.draw(g)
        #expect(g.text.contains("Author: required") || g.text.contains("✗ required"))
        #expect(g.text.contains("Dune"))
        // Esc with changes asks first.
        a.handle(.escape, size: (24, 80))
        #expect(a.top is ConfirmDialog)
        a.handle(.char("n"), size: (24, 80))
        #expect(a.top === form)
    }

    @Test func seedServerFormHasOnlyCoreFields() throws {
        let a = try app()
        a.client.capabilities.learn(.seed)  // the seed's backend: no extensions
        a.reset(to: BookListScreen())
        a.cancelAll()
        a.push(BookFormScreen(book: nil, list: nil))
        for _ in 0..<4 { a.handle(.tab, size: (24, 80)) }
        for c in "123" { a.handle(.char(c), size: (24, 80)) }  // back at Title: ISBN etc. are skipped
        let g = GridSurface(rows: 24, cols: 80)
        a.draw(g)
        #expect(g.text.contains("Title 123"))
        #expect(g.text.contains("This server keeps only title, author, year and availability."))
    }

    @Test func withoutLibrarianTheKeysSayWhy() throws {
        let a = try app()
        a.profile = Profile(id: 1, username: "ann", roles: [])
        let list = BookListScreen()
        a.reset(to: list)
        a.cancelAll()
        a.handle(.char("a"), size: (24, 80))
        #expect(a.top === list)
        let g = GridSurface(rows: 24, cols: 80)
        a.draw(g)
        #expect(g.text.contains("You need the librarian role to add books (your roles: none)."))
    }

    @Test func helpListsTheKeysOfTheScreen() throws {
        let a = try app()
        let list = BookListScreen()
        a.reset(to: list)
        a.cancelAll()
        a.handle(.char("?"), size: (30, 100))
        let g = GridSurface(rows: 30, cols: 100)
        a.draw(g)
        for key in ["PgDn / PgUp", "g / G", "/", "s", "S", "f", "r", "a", "e / Enter", "d", "p", "L", "q"] {
            #expect(list.help.contains { $0.key == key }, "\(key)")
        }
        #expect(g.text.contains("Keys: Books"))
        // The script commands for files are named where users look for what booktui can do.
        #expect(g.text.contains("booktui import") && g.text.contains("booktui export"))
        a.handle(.char("q"), size: (30, 100))
        #expect(a.top === list)
    }

    /// The help overlay's lines, drawn over the screen on top.
    func helpLines(_ a: App) -> String {
        a.handle(.char("?"), size: (40, 100))
        let g = GridSurface(rows: 40, cols: 100)
        a.draw(g)
        a.handle(.escape, size: (40, 100))
        return g.text
    }

    @Test func helpListsWhatThisServerAndUserCanDo() throws {
        let a = try app()  // the seed's server, a librarian
        a.reset(to: BookListScreen())
        a.cancelAll()
        var help = helpLines(a)
        #expect(help.contains("sort by the next column: title, author, year "))
        #expect(help.contains("search title and author as you type"))
        #expect(!help.contains("ISBN") && !help.contains("added"))
        #expect(help.contains("add a book") && help.contains("delete the selected book"))

        a.client.capabilities.learn(AuthConfig(local: true, registration: true, extended: true, isbnLookup: true))
        help = helpLines(a)
        #expect(help.contains("title, author, year, added") && help.contains("scan ISBNs"))

        a.profile = Profile(id: 1, username: "ann", roles: [])  // reads only
        help = helpLines(a)
        #expect(!help.contains("add a book") && !help.contains("scan ISBNs") && !help.contains("delete the"))
        #expect(help.contains("your profile"))
    }
}

@Suite("Session changes")
struct SessionTests {
    @Test func callsOfTheOldSessionAreDroppedOnReset() throws {
        let a = App(client: try BookClient(server: "http://127.0.0.1:9", store: nil, timeout: 2))
        a.reset(to: BookListScreen())
        var delivered = false
        a.perform(
            "Loading profile",
            { _ in
                try await Task.sleep(nanoseconds: 50_000_000); return 1
            }
        ) { _ in delivered = true }
        a.reset(to: LoginScreen())
        a.cancelAll()
        a.settle(timeout: 1)
        #expect(!delivered)
        #expect(!a.isBusy)
    }

    @Test func closingADialogDoesNotReloadTheScreenBelow() throws {
        final class Counting: Screen {
            var appearances = 0
            var title: String { "T" }
            var help: [(key: String, action: String)] { [] }
            var footer: String { "" }
            func draw(_ s: Surface, _ area: Rect, _ app: App) {}
            func handle(_ key: Key, _ app: App) {}
            func appeared(_ app: App) { appearances += 1 }
        }
        let a = App(client: try BookClient(server: "http://127.0.0.1:9", store: nil, timeout: 2))
        let s = Counting()
        a.reset(to: s)
        a.confirm("Sure?") { _ in }
        a.handle(.char("n"), size: (24, 80))
        #expect(a.top === s && s.appearances == 1)
    }
}
