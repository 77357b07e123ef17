import BookClient

/// Scan mode, for a pile of books: each ISBN + Enter (what a barcode scanner types) is looked up
/// and saved as it comes, without review, while the next one is being scanned. What could not be
/// saved (not found, incomplete, source down) waits in a review list that opens as prefilled
/// forms when scanning ends.
final class ScanScreen: Screen {
    enum Status: Equatable {
        case lookingUp
        case saved(String)
        case alreadyHave(String)
        case notFound
        /// Found, but without a field the server requires: reviewed in a form.
        case incomplete(LookupDraft, missing: [String])
        case sourcesDown(String)
        case refused(String)

        /// Whether the scan waits for the user in the review list.
        var needsReview: Bool {
            switch self {
            case .notFound, .incomplete, .sourcesDown, .refused: true
            default: false
            }
        }
    }

    struct Item {
        let isbn: String
        var status: Status
    }

    weak var list: BookListScreen?
    var editor = LineEditor()
    var items: [Item] = []
    /// Books stay as the list's sticky Available: off unless the user says otherwise (`Ctrl-A`).
    var available = false

    init(list: BookListScreen?) { self.list = list }

    var title: String { "Scan ISBNs" }
    var help: [(key: String, action: String)] {
        [
            ("ISBN + Enter", "look it up and save it (a scanner types both)"), ("Ctrl-T", "saved books available: yes / no"),
            ("Esc", "stop scanning; what could not be saved opens as forms to review"), ("F1", "this help"),
        ]
    }
    var footer: String { "scan or type an ISBN + Enter · Ctrl-T available · Esc done · F1 help" }

    var saved: Int { items.filter { if case .saved = $0.status { true } else { false } }.count }
    var review: [Item] { items.filter(\.status.needsReview) }

    func handle(_ key: Key, _ app: App) {
        switch key {
        case .enter:
            let isbn = editor.text.trimmingCharacters(in: .whitespaces)
            editor = LineEditor()
            if !isbn.isEmpty { scan(isbn, app) }
        case .ctrl("t"): available.toggle()
        case .escape: finish(app)
        case .function(1): app.push(HelpScreen(of: self))
        default: editor.handle(key)
        }
    }

    func scan(_ isbn: String, _ app: App) {
        if let p = ISBN.problem(isbn) {
            items.append(Item(isbn: isbn, status: .refused(p.message)))
            return
        }
        let index = items.count
        items.append(Item(isbn: isbn, status: .lookingUp))
        let available = self.available
        // The next scan must not wait for this one: the call holds no keys.
        app.perform(
            "Looking up \(isbn)", owner: self, holdsKeys: false,
            { c -> Status in
                if let have = try? await c.booksWithISBN(isbn).first { return .alreadyHave(have.title) }
                switch try await c.lookupISBN(isbn) {
                case .notFound: return .notFound
                case .sourcesDown(let why): return .sourcesDown(why)
                case .found(let d):
                    let missing = [("title", d.fullTitle), ("author", d.author), ("year", d.publishedYear.map(String.init))]
                        .filter { $0.1?.isEmpty ?? true }.map(\.0)
                    guard missing.isEmpty, let title = d.fullTitle, let author = d.author, let year = d.publishedYear else {
                        return .incomplete(d, missing: missing)
                    }
                    let book = try await c.createBook(
                        BookDraft(
                            title: title, author: author, publishedYear: year,
                            isAvailable: available, isbn: d.isbn,
                            publisher: d.publisher, pages: d.pages))
                    return .saved(book.title)
                }
            }
        ) { [weak self] r in
            guard let self, items.indices.contains(index) else { return }
            switch r {
            case .success(let s): items[index].status = s
            case .failure(.signedOut): app.report(.signedOut)
            case .failure(let e): items[index].status = .refused(e.description)
            }
            if case .saved = items[index].status { list?.saved(app) }
        }
    }

    /// Leaves scan mode; the scans that need a person open one form each, prefilled.
    func finish(_ app: App) {
        let pending = review
        app.pop()
        guard !pending.isEmpty else { return }
        app.flash("\(saved) saved; \(pending.count) to review.", .warning)
        BookFormScreen.openReview(pending.map { ($0.reviewDraft, Self.describe($0).0) }, list: list, app)
    }

    func draw(_ s: Surface, _ area: Rect, _ app: App) {
        var row = area.top + 1
        s.line(row, "  Scan ISBNs: each one is looked up and saved as it comes", .header)
        row += 2
        s.text(row, 2, "ISBN ", width: 5, .key)
        let v = editor.view(width: 24)
        s.text(row, 7, v.text, width: 24, .fieldFocused)
        s.setCursor((row, 7 + v.cursorColumn))
        s.text(
            row, 33, "Available: " + (available ? "yes" : "no") + "   \(saved) saved · \(review.count) to review",
            width: max(0, s.cols - 34), .dim)
        row += 2
        let room = max(0, area.bottom - row - 1)
        for item in items.suffix(room).reversed() {
            let (text, style) = Self.describe(item)
            s.line(row, "  " + DisplayWidth.fit(item.isbn, width: 17) + "  " + text, style)
            row += 1
        }
    }

    static func describe(_ item: Item) -> (String, Style) {
        switch item.status {
        case .lookingUp: ("looking up…", .dim)
        case .saved(let t): ("✓ saved “\(t)”", .ok)
        case .alreadyHave(let t): ("already in your catalogue: “\(t)”", .warning)
        case .notFound: ("not found: to review", .warning)
        case .incomplete(let d, let missing):
            ("found “\(d.fullTitle ?? "?")”, no \(missing.joined(separator: ", ")): to review", .warning)
        case .sourcesDown(let why): ("source down (\(why)): to review", .error)
        case .refused(let why): ("✗ \(why)", .error)
        }
    }
}

extension ScanScreen.Item {
    /// What the review form starts with.
    var reviewDraft: LookupDraft {
        if case .incomplete(let d, _) = status { return d }
        return LookupDraft(isbn: isbn, source: "")
    }
}
