import BookClient
import Foundation

/// Add or edit one book. Checks as you type; keeps everything typed when the server refuses.
final class BookFormScreen: Screen {
    var book: Book?
    weak var list: BookListScreen?
    var form: Form
    var saving = false
    /// After a lookup filled every required field: Enter saves (the form's Save button).
    var saveFocused = false
    /// Opened to review a scan (see `openReview`).
    var inReview = false
    /// What the last ISBN lookup came to, shown under the form.
    var lookupNote: String?
    /// Scans still to review after this one (scan mode's review list), each with why.
    var reviewQueue: [(LookupDraft, String)] = []

    init(book: Book?, list: BookListScreen?) {
        self.book = book
        self.list = list
        self.form = Self.makeForm(book)
        // Editing a book shows a long value from its start (End goes to the end); a short one
        // fits whole and keeps the cursor at its end, where Ctrl-U clears it.
        if book != nil { for f in form.fields where DisplayWidth.of(f.value) > 40 { f.editor.moveHome() } }
    }

    /// Goes on with a draft kept from an earlier run: everything in it counts as a change.
    convenience init(draft: BookFormDraft, list: BookListScreen?) {
        self.init(book: nil, list: list)
        if let id = draft.bookID {
            book = Book(
                id: id, title: draft.values["title"] ?? "", author: draft.values["author"] ?? "",
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
        let d = BookFormDraft(
            server: app.client.server, bookID: book?.id, values: values,
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

    /// What `Ctrl-N` carries over to the next book, for series work: a publisher's books come in
    /// piles. Shown as kept; `Ctrl-U` clears one.
    static let stickyFields = ["publisher", "is_available"]

    /// A new form after `Ctrl-N`: empty but for the sticky fields of the one just saved.
    static func nextForm(after old: Form) -> Form {
        // What a lookup filled in belongs to that book; only what the user typed carries over.
        let form = makeForm(
            { field in
                guard stickyFields.contains(field.name), let f = old.field(field.name), !(f.note?.hasPrefix("from ") ?? false)
                else { return nil }
                return f.isToggle ? .flag(f.toggle) : (f.trimmed.isEmpty ? nil : .text(f.trimmed))
            }, isbnFirst: old.fields.first?.name == BookField.isbn.name)
        for name in stickyFields {
            guard let f = form.field(name), f.isToggle ? f.toggle : !f.value.isEmpty else { continue }
            f.note = "kept; Ctrl-U clears"
        }
        return form
    }

    /// The form of `book`, or an empty one: a field for each of `BookField.all`, checked as the
    /// user types with `BookRules`, so most mistakes are seen before saving.
    static func makeForm(_ book: Book?, isbnFirst: Bool = false) -> Form {
        makeForm({ field in book.flatMap { BookDraft($0)[field] } }, isbnFirst: isbnFirst)
    }

    static func makeForm(_ values: (BookField) -> BookValue?, isbnFirst: Bool = false) -> Form {
        var fields = BookField.all.map { field -> Field in
            let value = values(field)
            if field.kind == .flag { return Field(field.name, field.label, toggle: value?.flag ?? false) }
            let text =
                switch value {
                case .text(let s)?: s
                case .number(let n)?: String(n)
                case .flag, nil: ""
                }
            return Field(field.name, field.label, text, validate: checks(field, extended: true))
        }
        // Copy cataloguing starts from the number on the book: ISBN first, where the server can
        // look it up.
        if isbnFirst, let i = fields.firstIndex(where: { $0.name == BookField.isbn.name }) {
            fields.insert(fields.remove(at: i), at: 0)
        }
        return Form(fields)
    }

    static func checks(_ field: BookField, extended: Bool) -> (String) -> String? {
        { BookRules.typingProblem(field, $0, extended: extended) }
    }

    var title: String { book == nil ? "Add a book" : "Edit book" }
    var help: [(key: String, action: String)] { help(keeps: "Publisher and Available", lookup: false) }
    func help(_ app: App) -> [(key: String, action: String)] {
        help(
            keeps: form.field("publisher") == nil ? "Available" : "Publisher and Available",
            lookup: offersLookup(app) && book == nil)
    }
    func help(keeps: String, lookup: Bool) -> [(key: String, action: String)] {
        (lookup ? [("Enter on ISBN", "look the ISBN up and fill the form")] : [])
            + [
                ("Tab / Shift-Tab", "next / previous field (also ↓ / ↑)"), ("Ctrl-S", "save"),
                ("Ctrl-N", "save and start the next book (keeps \(keeps))"), ("Esc", "cancel (asks if anything changed)"),
                ("Space", "on Available: yes / no (Ctrl-U: no)"), ("← / →, Home / End", "move in the field"),
                ("Ctrl-A / Ctrl-E", "start / end of the field"), ("Ctrl-K / Ctrl-U", "delete to the end / start"),
                ("Ctrl-W", "delete the word before the cursor"), ("Enter", "next field; on the last: save"),
            ]
    }
    var footer: String { "Ctrl-S save · Ctrl-N save+next · Tab next field · Esc cancel · F1 help" }
    func footer(_ app: App) -> String {
        offersLookup(app) && book == nil ? "Enter on ISBN looks it up · " + footer : footer
    }

    func appeared(_ app: App) {
        if book == nil, offersLookup(app), form.fields.first?.name != "isbn", !form.changed {
            form = Self.makeForm(nil, isbnFirst: true)
        }
        stepAside(app)
    }

    /// The seed's backend keeps only its own fields, with its shorter lengths: the others are not
    /// shown at all, so Tab and typing never go where nothing is kept.
    func stepAside(_ app: App) {
        guard app.capabilities.extensions == false, form.fields.count > BookField.kept(extended: false).count else { return }
        let focused = form.focused.name
        let kept = BookField.kept(extended: false)
        form.fields.removeAll { f in !kept.contains { $0.name == f.name } }
        for field in kept { form.field(field.name)?.validate = Self.checks(field, extended: false) }
        form.focus = form.fields.firstIndex { $0.name == focused } ?? 0
    }

    func draw(_ s: Surface, _ area: Rect, _ app: App) {
        var row = area.top + 1
        s.line(row, "  " + (book.map { "Editing “\($0.title)”" } ?? "New book"), .header)
        row += 2
        stepAside(app)
        let extended = app.capabilities.extensions != false
        row = form.draw(s, top: row, left: area.left + 1, width: area.width - 2)
        row = drawLookup(s, row: row, app)
        if let b = book, let c = b.createdAt {
            row += 1
            s.line(row, "  Added \(Dates.minute(c))" + (b.updatedAt.map { ", changed \(Dates.minute($0))" } ?? ""), .dim)
        }
        if !extended {
            s.line(area.bottom - 1, "  This server keeps only title, author, year and availability.", .dim)
        }
    }

    func handle(_ key: Key, _ app: App) {
        if saveFocused, ![.enter, .ctrl("s"), .ctrl("n"), .function(1)].contains(key) { saveFocused = false }
        switch key {
        case .ctrl("s"): save(app, next: false)
        case .ctrl("n"): save(app, next: true)
        case .function(1): app.push(HelpScreen(of: self))
        case .escape:
            if form.changed {
                app.confirm("Discard your changes?") { [weak self] app in
                    self?.dropDraft(app); self?.close(app)
                }
            } else {
                dropDraft(app); close(app)
            }
        case .enter where saveFocused:
            // Cataloguing a pile: the next book's form, ready for the next ISBN (a review goes
            // on to the next scan to review instead).
            save(app, next: book == nil && !inReview)
        case .enter where offersLookup(app) && book == nil && form.focused.name == "isbn" && !form.focused.trimmed.isEmpty:
            lookUp(app)
        case .enter:
            if form.isLastFocused || form.fields[(form.focus + 1)...].allSatisfy({ $0.readOnly }) {
                save(app, next: false)
            } else {
                form.handle(.tab)
            }
        default: form.handle(key)
        }
    }

    /// Checks, then sends. Required fields are checked only here, not while typing.
    func draft() -> BookDraft? {
        for field in BookField.all where field.required {
            if let f = form.field(field.name), f.trimmed.isEmpty { f.serverError = "required" }
        }
        if let (f, p) = form.firstProblem ?? form.fields.first(where: { $0.serverError != nil }).map({ ($0, $0.serverError!) }) {
            form.focus = form.fields.firstIndex { $0 === f } ?? 0
            form.formError = "\(f.label): \(p)"
            return nil
        }
        return BookDraft { field in
            guard let f = form.field(field.name) else { return nil }
            if f.isToggle { return .flag(f.toggle) }
            return try? BookRules.parse(field, field.kind == .lines ? f.value : f.trimmed).get()
        }
    }

    func save(_ app: App, next: Bool) {
        guard !saving, let d = draft() else { return }
        form.formError = nil
        saving = true
        let id = book?.id
        app.perform(
            "Saving",
            { c in
                if let id { return try await c.updateBook(id: id, d) }
                return try await c.createBook(d)
            }
        ) { [weak self] r in
            guard let self else { return }
            saving = false
            switch r {
            case .success(let b):
                dropDraft(app)
                lookupNote = nil
                saveFocused = false
                list?.saved(app)
                if next {
                    book = nil
                    lookupNote = nil
                    form = Self.nextForm(after: form)
                    app.flash("Saved “\(b.title)”. Next book:")
                } else {
                    close(app)
                    app.flash("Saved “\(b.title)”.")  // said on the screen now on top
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
