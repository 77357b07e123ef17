import BookClient
import Foundation

/// The user's books in a table filling the screen.
public final class BookListScreen: Screen {
    var window = BookWindow(pageSize: 100)
    var query = BookQuery()
    var cursor = 0
    var top = 0
    var visibleRows = 20
    /// The `/` prompt, when open.
    var searchEditor: LineEditor?
    var searchEditedAt: Double = 0
    var lastError: String?
    /// The server could not be reached: the rows on screen are the last ones it sent (drawn dim),
    /// one banner says so, and the list tries again by itself, waiting longer each time.
    struct Outage { var reason: String; var retryAt: Double; var delay: Double }
    var outage: Outage?
    static let firstRetry = 2.0, longestRetry = 30.0

    public init() {}

    public var title: String { "Books" }
    public var help: [(key: String, action: String)] { help(extended: true, lookup: true, edits: true) }
    public func help(_ app: App) -> [(key: String, action: String)] {
        help(extended: app.capabilities.extended, lookup: app.capabilities.isbnLookup, edits: canEdit(app))
    }
    /// The seed's server keeps no ISBN nor an added date, looks nothing up; a user without the
    /// librarian role reads only.
    func help(extended: Bool, lookup: Bool, edits: Bool) -> [(key: String, action: String)] {
        typealias Item = (key: String, action: String)
        let sorts = extended ? "title, author, year, added" : "title, author, year"
        let search = extended ? "search title, author and ISBN as you type" : "search title and author as you type"
        let moving: [Item] = [
            ("j / k / ↓ / ↑", "next / previous book"), ("PgDn / PgUp", "next / previous screenful"),
            ("g / G", "first / last book"),
        ]
        let finding: [Item] = [
            ("/", search), ("Enter/Esc in /", "keep / clear the search"),
            ("Ctrl-L in /", "retry now when the server was unreachable"),
            ("s", "sort by the next column: " + sorts), ("S", "reverse the sort"),
            ("f", "only available books / all books"), ("r", "reload"),
        ]
        var editing: [Item] = []
        if edits {
            editing.append(("a", "add a book"))
            if lookup { editing.append(("i", "scan ISBNs: look up and save a pile of books")) }
            editing += [("e / Enter", "edit the selected book"), ("d", "delete the selected book")]
        }
        let rest: [Item] = [
            ("p", "your profile"), ("L", "log out"), ("?", "this help"), ("q", "quit"),
            ("booktui import", "in a shell: add books from a file (Goodreads, LibraryThing, Calibre, CSV, JSON)"),
            ("booktui export", "in a shell: every book as CSV or JSON (--format, --output)"),
        ]
        return moving + finding + editing + rest
    }

    public var footer: String {
        let pos =
            window.total.map {
                BookWindow.position(first: top, visible: visibleRows, total: $0) + (outage == nil ? "" : " (stale)")
            }
            ?? (outage == nil ? "loading" : "offline")
        if searchEditor != nil {
            return "\(pos) · type to search · Enter keep · Esc clear" + (outage == nil ? "" : " · Ctrl-L retry")
        }
        return "\(pos) │ /search s sort f avail a add e edit d del p profile ? help q quit"
    }

    /// A book form kept from an earlier run that ended while it was being typed.
    var draft: BookFormDraft?
    var checkedDraft = false

    public func appeared(_ app: App) {
        if !checkedDraft {
            checkedDraft = true
            draft = app.drafts?.load(server: app.client.server)
        }
        fetchVisible(app)
    }

    var canEdit: (App) -> Bool = { $0.profile?.canEditBooks ?? true }

    func needRole(_ app: App, _ what: String) -> Bool {
        if canEdit(app) { return true }
        let has = app.profile?.roles.map { $0.isEmpty ? "none" : $0.joined(separator: ", ") } ?? "none"
        app.flash("You need the librarian role to \(what) (your roles: \(has)).", .warning)
        return false
    }

    // MARK: fetching

    /// Asks for the pages of the rows on screen and of one screenful below them (so paging
    /// down rarely shows `…`), and no others.
    func fetchVisible(_ app: App) {
        for page in window.missingPages(for: top..<(top + visibleRows * 2 + 1)) { fetch(page, app) }
    }

    func fetch(_ page: Int, _ app: App) {
        window.markRequested(page)
        let g = window.generation, q = query, size = window.pageSize
        // Until the list knows its length, keys wait for it (G, e, d need rows); while scrolling
        // or typing a search they do not.
        let holds = window.total == nil && searchEditor == nil
        app.perform(
            page == 0 ? "Loading books" : "Loading books \(page * size + 1)–\((page + 1) * size)", owner: self,
            holdsKeys: holds, { c in try await c.listBooks(q, page: page + 1, pageSize: size) }
        ) { [weak self] r in
            guard let self else { return }
            switch r {
            case .success(let p):
                if window.receive(page: page, p, generation: g) {
                    lastError = nil
                    outage = nil
                    clamp()
                    fetchVisible(app)
                }
            case .failure(let e):
                window.fail(page: page, generation: g)
                if case .notFound = e, page > 0 {
                    // A page past the end (the list shrank): start over.
                    reload(app); return
                }
                if let reason = e.unreachableReason {
                    let delay = outage.map { min(Self.longestRetry, $0.delay * 2) } ?? Self.firstRetry
                    outage = Outage(reason: reason, retryAt: app.clock() + delay, delay: delay)
                    lastError = nil
                    return
                }
                if case .cancelled = e {
                    lastError = "Loading cancelled; r reloads."
                } else {
                    lastError = e.description
                    app.report(e)
                }
            }
        }
    }

    func reload(_ app: App, keepRows: Bool = false) {
        if keepRows { window.invalidate() } else { window.reset() }
        lastError = nil
        fetchVisible(app)
    }

    func clamp() {
        let n = window.total ?? 0
        cursor = max(0, min(cursor, n - 1))
        if cursor < top { top = cursor }
        if cursor >= top + visibleRows { top = cursor - visibleRows + 1 }
        top = max(0, min(top, max(0, n - visibleRows)))
    }

    // MARK: keys

    public func tick(_ app: App) {
        if let o = outage, app.clock() >= o.retryAt, !window.isLoading { reload(app, keepRows: true) }
        // Incremental search: ask the server once typing pauses for a moment.
        if let ed = searchEditor, ed.text != query.search, app.clock() - searchEditedAt > 0.25 {
            query.search = ed.text
            cursor = 0; top = 0
            reload(app)
        }
    }

    public func handle(_ key: Key, _ app: App) {
        if var ed = searchEditor {
            switch key {
            case .enter:
                searchEditor = nil
                if ed.text != query.search { query.search = ed.text; cursor = 0; top = 0; reload(app) }
            case .escape:
                searchEditor = nil
                if !query.search.isEmpty { query.search = ""; cursor = 0; top = 0; reload(app) }
            case .ctrl("l"):
                // r is a letter of the search here, so Ctrl-L is the retry (the banner says so).
                reload(app, keepRows: true)
            default:
                if ed.handle(key) { searchEditor = ed; searchEditedAt = app.clock() }
            }
            return
        }
        let n = window.total ?? 0
        switch key {
        case .char("j"), .down: cursor += 1
        case .char("k"), .up: cursor -= 1
        case .pageDown, .char(" "), .ctrl("f"): cursor += visibleRows; top += visibleRows
        case .pageUp, .ctrl("b"): cursor -= visibleRows; top -= visibleRows
        case .char("g"), .home: cursor = 0; top = 0
        case .char("G"), .end: cursor = max(0, n - 1); top = max(0, n - visibleRows)
        case .char("/"):
            searchEditor = LineEditor(query.search); searchEditedAt = app.clock()
        case .char("s"):
            let all: [SortField] = app.capabilities.extended ? SortField.allCases : [.title, .author, .publishedYear]
            let i = all.firstIndex(of: query.sort) ?? 0
            query.sort = all[(i + 1) % all.count]
            cursor = 0; top = 0; reload(app)
            app.flash("Sorted by \(query.sort.label)\(query.descending ? ", descending" : "")")
        case .char("S"):
            query.descending.toggle()
            cursor = 0; top = 0; reload(app)
            app.flash("Sorted by \(query.sort.label)\(query.descending ? ", descending" : "")")
        case .char("f"):
            query.availableOnly.toggle()
            cursor = 0; top = 0; reload(app)
            app.flash(query.availableOnly ? "Showing available books only" : "Showing all books")
        case .char("r"), .ctrl("l"): reload(app, keepRows: true)  // the rows stay until fresh ones come
        case .char("a"):
            guard needRole(app, "add books") else { return }
            if let d = draft {
                draft = nil
                app.push(BookFormScreen(draft: d, list: self))
            } else {
                app.push(BookFormScreen(book: nil, list: self))
            }
        case .char("i"):
            guard app.capabilities.isbnLookup else {
                app.flash("This server does not look ISBNs up, so there is no scan mode; a adds a book by hand.", .warning)
                return
            }
            guard needRole(app, "add books") else { return }
            app.push(ScanScreen(list: self))
        case .char("e"), .enter:
            guard let b = window.row(cursor) else { return }
            if needRole(app, "change books") { app.push(BookFormScreen(book: b, list: self)) }
        case .char("d"), .delete:
            guard let b = window.row(cursor), needRole(app, "delete books") else { return }
            app.confirm("Delete “\(b.title)” by \(b.author)?") { [weak self] app in self?.delete(b, app) }
        case .char("p"): app.push(ProfileScreen())
        case .char("L"): ProfileScreen.logout(app)
        case .char("?"), .function(1): app.push(HelpScreen(of: self))
        case .char("q"): app.running = false
        default: return
        }
        clamp()
        fetchVisible(app)
    }

    func delete(_ b: Book, _ app: App) {
        app.perform("Deleting", { c in try await c.deleteBook(id: b.id) }) { [weak self] r in
            switch r {
            case .success:
                app.flash("Deleted “\(b.title)”.")
                self?.reload(app, keepRows: true)
            case .failure(let e): app.report(e)
            }
        }
    }

    /// After the form saved a book.
    func saved(_ app: App) { reload(app, keepRows: true) }

    // MARK: drawing

    struct Columns { var title, author, year, avail, isbn: Int }

    static func columns(width: Int) -> Columns {
        let year = 4, avail = 5, isbn = width >= 100 ? 17 : 13
        let flex = width - 2 - year - avail - isbn - 4 * 2
        let author = max(10, flex * 2 / 5)
        return Columns(title: max(10, flex - author), author: author, year: year, avail: avail, isbn: isbn)
    }

    public func draw(_ s: Surface, _ area: Rect, _ app: App) {
        let searchRow = searchEditor != nil || !query.search.isEmpty || query.availableOnly
        let headerRow = area.top + (searchRow ? 1 : 0)
        // A notice (an error, a kept draft) takes the last row of the area, not a book's row.
        var notice: (String, Style)?
        if let o = outage {
            let wait = max(0, Int((o.retryAt - app.clock()).rounded(.up)))
            let when = window.isLoading ? "retrying now" : "retrying in \(wait) s"
            let retryKey = searchEditor == nil ? "r" : "Ctrl-L"
            notice = (" Cannot reach \(app.client.server) — \(when) (\(o.reason)); \(retryKey) retries now", .error)
        } else if let e = lastError, !app.isBusy {
            notice = (" " + e + "  (r reloads)", .error)
        } else if let d = draft {
            let what = (d.values["title"] ?? "").isEmpty ? "a book" : "“\(d.values["title"]!)”"
            notice = (" You were typing \(what) when booktui last stopped: a goes on with it.", .warning)
        }
        let newVisible = max(1, area.height - (headerRow - area.top) - 1 - (notice == nil ? 0 : 1))
        if newVisible != visibleRows { visibleRows = newVisible; clamp(); fetchVisible(app) }
        if searchRow {
            var label = query.availableOnly ? " [available only]" : ""
            if var ed = searchEditor {
                s.text(area.top, 0, " Search: ", width: 9, .key)
                let v = ed.view(width: 40)
                s.text(area.top, 9, v.text, width: 40, .fieldFocused)
                s.setCursor((area.top, 9 + v.cursorColumn))
                label = "  " + label
                s.text(area.top, 50, label, width: s.cols - 50, .warning)
            } else {
                let keys = [query.search.isEmpty ? nil : "/ changes the search", query.availableOnly ? "f shows all books" : nil]
                s.line(
                    area.top,
                    (query.search.isEmpty ? "" : " Search: “\(query.search)”") + label
                        + "   (" + keys.compactMap { $0 }.joined(separator: ", ") + ")", .warning)
            }
        }
        let c = Self.columns(width: area.width)
        let arrow = query.descending ? "▼" : "▲"
        func h(_ name: String, _ f: SortField?) -> String { name + (f == query.sort ? arrow : "") }
        let header =
            " "
            + [
                DisplayWidth.fit(h("Title", .title), width: c.title), DisplayWidth.fit(h("Author", .author), width: c.author),
                DisplayWidth.fit(h("Year", .publishedYear), width: c.year + 1), DisplayWidth.fit("Avail", width: c.avail),
                DisplayWidth.fit("ISBN", width: c.isbn),
            ].joined(separator: "  ")
        s.line(headerRow, header, .header)
        // A sort with no column of its own (when added) says so at the header's end.
        if ![.title, .author, .publishedYear].contains(query.sort) {
            let tag = "by " + query.sort.label + arrow + " "
            s.text(headerRow, max(0, area.width - DisplayWidth.of(tag)), tag, width: DisplayWidth.of(tag), .header)
        }
        let first = headerRow + 1
        if window.total == 0 {
            s.line(
                first + 1,
                query.search.isEmpty && !query.availableOnly
                    ? "  No books yet. Press a to add one." : "  No books match.", .dim)
        }
        for i in 0..<visibleRows {
            let idx = top + i
            if let t = window.total, idx >= t { break }
            if window.total == nil { break }
            let row = first + i
            let style: Style = idx == cursor ? .selected : outage != nil ? .dim : .normal
            if let b = window.row(idx) {
                let cells = [
                    DisplayWidth.fit(b.title, width: c.title), DisplayWidth.fit(b.author, width: c.author),
                    DisplayWidth.fit(String(b.publishedYear), width: c.year, alignRight: true) + " ",
                    DisplayWidth.fit(b.isAvailable ? "yes" : "no", width: c.avail),
                    DisplayWidth.fit(b.isbn ?? "", width: c.isbn),
                ]
                s.line(row, " " + cells.joined(separator: "  "), style)
            } else {
                s.line(row, " …", idx == cursor ? .selected : .dim)
            }
        }
        if let (text, style) = notice { s.line(area.bottom - 1, text, style) }
    }
}
