import BookClient

/// Copy cataloguing in the book form: Enter on the ISBN asks the server's sources (library
/// catalogues, Open Library) and fills what the user has not typed.
extension BookFormScreen {
    func offersLookup(_ app: App) -> Bool { app.capabilities.isbnLookup }

    static let requiredFields = ["title", "author", "published_year"]

    func lookUp(_ app: App) {
        guard let isbnField = form.field("isbn") else { return }
        let raw = isbnField.trimmed
        if let p = ISBN.problem(raw) { isbnField.serverError = p.message; return }
        lookupNote = nil
        app.perform(
            "Looking up ISBN \(raw)",
            { c in
                let outcome = try await c.lookupISBN(raw)
                // Not being able to tell is no reason to stop: the lookup's answer still counts.
                let have = (try? await c.booksWithISBN(raw)) ?? []
                return (outcome, have)
            }
        ) { [weak self] r in
            guard let self else { return }
            switch r {
            case .success(let (outcome, have)):
                if let dup = have.first {
                    let added = dup.createdAt.map { ", added \(Dates.day($0))" } ?? ""
                    app.push(
                        ConfirmDialog(
                            question: "You have this: “\(dup.title)”\(added).",
                            choices: "Enter = add it anyway   Esc = skip it",
                            onYes: { [weak self] app in self?.fill(from: outcome, app) },
                            onNo: { [weak self] app in self?.skip(dup, app) }))
                } else {
                    fill(from: outcome, app)
                }
            case .failure(.validation(let errs)):
                form.apply(serverErrors: errs)
            case .failure(.signedOut):
                app.report(.signedOut)
            case .failure(.cancelled):
                lookupNote = "Lookup cancelled: type the rest, or Enter on ISBN asks again."
            case .failure(let e):
                lookupNote = "Lookup failed: \(e.description). Type the rest, or Enter on ISBN asks again."
                focusFirstEmptyRequired()
            }
        }
    }

    /// Fills the empty fields from the record; what the user typed stays as typed.
    func fill(from outcome: LookupOutcome, _ app: App) {
        switch outcome {
        case .found(let d):
            let values: [(String, String?)] = [
                ("title", d.fullTitle), ("author", d.author), ("published_year", d.publishedYear.map(String.init)),
                ("publisher", d.publisher), ("pages", d.pages.map(String.init)),
            ]
            var filled: [String] = []
            for (name, value) in values {
                guard let v = value, !v.isEmpty, let f = form.field(name), !f.readOnly, f.trimmed.isEmpty else { continue }
                f.text = v
                f.note = "from \(d.source)"
                filled.append(f.label.lowercased())
            }
            lookupNote =
                filled.isEmpty
                ? "Found in \(d.source); nothing left to fill."
                : "Found in \(d.source): \(filled.joined(separator: ", ")) filled in."
        case .notFound:
            lookupNote = "No source knows this ISBN: type the rest."
        case .sourcesDown(let why):
            lookupNote = "Lookup failed: \(why). Type the rest, or Enter on ISBN asks again."
        }
        focusFirstEmptyRequired()
    }

    /// Focus on the first required field still empty; with none, on Save.
    func focusFirstEmptyRequired() {
        if let i = form.fields.firstIndex(where: { Self.requiredFields.contains($0.name) && $0.trimmed.isEmpty }) {
            form.focus = i
            saveFocused = false
        } else {
            saveFocused = true
        }
    }

    /// Esc on "you have this": the next book, as after a save.
    func skip(_ dup: Book, _ app: App) {
        form = Self.nextForm(after: form)
        lookupNote = nil
        saveFocused = false
        app.flash("Skipped: you already have “\(dup.title)”.", .warning)
    }

    /// Opens the first of scan mode's unresolved ISBNs as a prefilled form; the rest follow it.
    static func openReview(_ queue: [(LookupDraft, String)], list: BookListScreen?, _ app: App) {
        guard let (first, why) = queue.first else { return }
        let screen = BookFormScreen(book: nil, list: list)
        screen.reviewQueue = Array(queue.dropFirst())
        screen.inReview = true
        app.push(screen)
        screen.form.field("isbn")?.text = first.isbn
        if !first.source.isEmpty { screen.fill(from: .found(first), app) }
        let more = screen.reviewQueue.isEmpty ? "" : " (\(screen.reviewQueue.count) more after this)"
        screen.lookupNote = "To review: \(why)\(more)."
        screen.focusFirstEmptyRequired()
    }

    /// Leaves the form; in a review, the next scan to review opens.
    func close(_ app: App) {
        app.pop()
        if !reviewQueue.isEmpty { Self.openReview(reviewQueue, list: list, app) }
    }

    func drawLookup(_ s: Surface, row: Int, _ app: App) -> Int {
        var row = row
        if let note = lookupNote {
            s.line(row, "  " + note, .dim)
            row += 1
        }
        if saveFocused {
            s.text(row, 3, "[ Save ]", width: 8, .fieldFocused)
            let hint =
                book == nil && !inReview
                ? "Enter saves and starts the next book · Ctrl-S saves and closes"
                : "Enter saves"
            s.text(row, 12, hint, width: max(0, s.cols - 13), .dim)
            s.setCursor((row, 5))
            row += 1
        }
        return row
    }
}
