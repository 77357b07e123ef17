import BookClient
import Foundation

/// Add or edit one book. Checks as you type; keeps everything typed when the server refuses.
final class BookFormScreen: Screen {
    var book: Book?
    weak var list: BookListScreen?
    var form: Form
    var saving = false

    init(book: Book?, list: BookListScreen?) {
        self.book = book
        self.list = list
        self.form = Self.makeForm(book)
    }

    /// Goes on with a draft kept from an earlier run: everything in it counts as a change.
    convenience init(draft: BookFormDraft, list: BookListScreen?) {
        self.init(book: nil, list: list)
        if let id = draft.bookID {
            book = Book(id: id, title: draft.values["title"] ?? "", author: draft.values["author"] ?? "",
                        publishedYear: Int(draft.values["published_year"] ?? "") ?? 0)
        }
        for f in form.fields {
            if f.isToggle { f.toggle = draft.available } else if let v = draft.values[f.name] { f.text = v }
        }
    }

    var lastDraft: BookFormDraft?
    var lastDraftAt: Double = 0

    /// Keeps what is typed on disk, a moment after it changes.
    func tick(_ app: App) {
        guard let drafts = app.drafts else { return }
        guard form.changed else {
            if lastDraft != nil { drafts.remove(); lastDraft = nil }
            return
        }
        var values: [String: String] = [:]
        for f in form.fields where !f.isToggle { values[f.name] = f.value }
        let d = BookFormDraft(server: app.client.server, bookID: book?.id, values: values,
                              available: form.field("is_available")?.toggle ?? false)
        if d != lastDraft && app.clock() - lastDraftAt > 0.3 {
            drafts.save(d)
            lastDraft = d
            lastDraftAt = app.clock()
        }
    }

    func dropDraft(_ app: App) {
        app.drafts?.remove()
        lastDraft = nil
    }

    static let thisYear = Calendar(identifier: .gregorian).component(.year, from: Date())

    /// The checks mirror the server's, so most mistakes are seen before saving.
    static func makeForm(_ b: Book?) -> Form {
        func length(_ max: Int, required: Bool) -> (String) -> String? {
            { v in
                let t = v.trimmingCharacters(in: .whitespaces)
                if t.count > max { return "\(t.count)/\(max) characters: too long" }
                return nil
            }
        }
        return Form([
            Field("title", "Title", b?.title ?? "", validate: length(100, required: true)),
            Field("author", "Author", b?.author ?? "", validate: length(50, required: true)),
            Field("published_year", "Year", b.map { String($0.publishedYear) } ?? "", validate: yearProblem),
            Field("is_available", "Available", toggle: b?.isAvailable ?? false),
            Field("isbn", "ISBN", b?.isbn ?? "") { v in v.trimmingCharacters(in: .whitespaces).isEmpty ? nil : ISBN.problem(v)?.message },
            Field("publisher", "Publisher", b?.publisher ?? "", validate: length(100, required: false)),
            Field("pages", "Pages", b?.pages.map(String.init) ?? "") { v in
                let t = v.trimmingCharacters(in: .whitespaces)
                if t.isEmpty { return nil }
                guard let n = Int(t) else { return "a whole number" }
                return (1...100_000).contains(n) ? nil : "between 1 and 100000"
            },
            Field("notes", "Notes", b?.notes ?? "", validate: length(10_000, required: false)),
        ])
    }

    static func yearProblem(_ v: String) -> String? {
        let t = v.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return nil }
        guard let y = Int(t) else { return "a year, like 1999" }
        return (0...(thisYear + 1)).contains(y) ? nil : "between 0 and \(thisYear + 1)"
    }

    var title: String { book == nil ? "Add a book" : "Edit book" }
    var help: [(key: String, action: String)] {
        [("Tab / Shift-Tab", "next / previous field (also ↓ / ↑)"), ("Ctrl-S", "save"),
         ("Ctrl-N", "save and start the next book"), ("Esc", "cancel (asks if anything changed)"),
         ("Space", "on Available: yes / no"), ("← / →, Home / End", "move in the field"),
         ("Ctrl-A / Ctrl-E", "start / end of the field"), ("Ctrl-K / Ctrl-U", "delete to the end / start"),
         ("Ctrl-W", "delete the word before the cursor"), ("Enter", "next field; on the last: save")]
    }
    var footer: String { "Ctrl-S save · Ctrl-N save+next · Tab next field · Esc cancel · F1 help" }

    func appeared(_ app: App) { stepAside(app) }

    /// The seed's backend has only the core fields: the others are shown but not editable.
    func stepAside(_ app: App) {
        let extended = app.authConfig.extended || book?.createdAt != nil
        for name in ["isbn", "publisher", "pages", "notes"] { form.field(name)?.readOnly = !extended }
    }

    func draw(_ s: Surface, _ area: Rect, _ app: App) {
        var row = area.top + 1
        s.line(row, "  " + (book.map { "Editing “\($0.title)”" } ?? "New book"), .header)
        row += 2
        stepAside(app)
        let extended = app.authConfig.extended || book?.createdAt != nil
        row = form.draw(s, top: row, left: area.left + 1, width: area.width - 2)
        if let b = book, let c = b.createdAt {
            row += 1
            s.line(row, "  Added \(c)" + (b.updatedAt.map { ", changed \($0)" } ?? ""), .dim)
        }
        if !extended {
            s.line(area.bottom - 1, "  This server keeps only title, author, year and availability.", .dim)
        }
    }

    func handle(_ key: Key, _ app: App) {
        switch key {
        case .ctrl("s"): save(app, next: false)
        case .ctrl("n"): save(app, next: true)
        case .function(1): app.push(HelpScreen(of: self))
        case .escape:
            if form.changed {
                app.confirm("Discard your changes?") { [weak self] app in self?.dropDraft(app); app.pop() }
            } else {
                dropDraft(app); app.pop()
            }
        case .enter:
            if form.isLastFocused || form.fields[(form.focus + 1)...].allSatisfy({ $0.readOnly }) { save(app, next: false) }
            else { form.handle(.tab) }
        default: form.handle(key)
        }
    }

    /// Checks, then sends. Required fields are checked only here, not while typing.
    func draft() -> BookDraft? {
        for name in ["title", "author", "published_year"] {
            if let f = form.field(name), f.trimmed.isEmpty { f.serverError = "required" }
        }
        if let (f, p) = form.firstProblem ?? form.fields.first(where: { $0.serverError != nil }).map({ ($0, $0.serverError!) }) {
            form.focus = form.fields.firstIndex { $0 === f } ?? 0
            form.formError = "\(f.label): \(p)"
            return nil
        }
        func opt(_ n: String) -> String? { form.field(n).map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 } }
        return BookDraft(title: form.field("title")!.trimmed, author: form.field("author")!.trimmed,
                         publishedYear: Int(form.field("published_year")!.trimmed)!,
                         isAvailable: form.field("is_available")!.toggle,
                         isbn: opt("isbn"), publisher: opt("publisher"), pages: opt("pages").flatMap { Int($0) },
                         notes: form.field("notes").flatMap { $0.value.isEmpty ? nil : $0.value })
    }

    func save(_ app: App, next: Bool) {
        guard !saving, let d = draft() else { return }
        form.formError = nil
        saving = true
        let id = book?.id
        app.perform("Saving", { c in
            if let id { return try await c.updateBook(id: id, d) }
            return try await c.createBook(d)
        }) { [weak self] r in
            guard let self else { return }
            saving = false
            switch r {
            case .success(let b):
                dropDraft(app)
                app.flash("Saved “\(b.title)”." + (next ? " Next book:" : ""))
                list?.saved(app)
                if next {
                    book = nil
                    form = Self.makeForm(nil)
                } else {
                    app.pop()
                }
            case .failure(.validation(let errs)):
                form.apply(serverErrors: errs)
                if form.formError == nil { form.formError = "The server did not accept this; see the marked fields." }
            case .failure(.forbidden(let m)):
                form.formError = m.isEmpty ? "You may not change books." : m
            case .failure(.signedOut):
                app.report(.signedOut)
            case .failure(let e):
                form.formError = e.description + " — your input is kept; Ctrl-S tries again."
            }
        }
    }
}
