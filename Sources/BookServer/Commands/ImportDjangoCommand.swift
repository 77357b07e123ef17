import Fluent
import Foundation
import Vapor

/// `book-server import-django FILE [--dry-run]`: a seed deployment's users and books, from
/// `python manage.py dumpdata auth.user myapp.books --indent 2`. Users keep their passwords (the
/// Django hash is kept and checked at login, then replaced by ours), their names, whether they are
/// active, when they joined and last logged in; books keep their owner and availability. Run twice,
/// it updates and adds nothing twice: users match by username, books by owner, title, author and
/// year. See docs/migrating-from-django.md.
struct ImportDjangoCommand: AnyAsyncCommand {
    var help: String { "Import a seed (Django) deployment's users and books, from its dumpdata JSON or its MySQL database" }

    static let usage = """
        Usage: book-server import-django FILE [--dry-run]
               book-server import-django --database mysql://USER:PASSWORD@HOST:3306/DB [--dry-run]

        FILE is the output of: python manage.py dumpdata auth.user myapp.books --indent 2
        --database reads the seed's auth_user and myapp_books tables straight from its MySQL or
                   MariaDB database (?ssl-mode=REQUIRED, ?ssl-ca=FILE for TLS).
        --dry-run  reports what would be done and changes nothing.
        See docs/migrating-from-django.md.
        """

    func outputHelp(using context: inout CommandContext) {
        context.console.print(Self.usage)
    }

    /// What the command line asks for: a file or a database, and whether to change anything.
    struct Request: Equatable { var file: String?, database: String?, dryRun = false }

    static func parse(_ arguments: [String]) throws -> Request {
        var request = Request(file: nil, database: nil)
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--dry-run": request.dryRun = true
            case "--database":
                guard let url = rest.popFirst() else { throw Failure(description: "--database needs a URL") }
                request.database = url
            case _ where argument.hasPrefix("--database="): request.database = String(argument.dropFirst("--database=".count))
            case _ where argument.hasPrefix("-"): throw Failure(description: "unknown option \(argument)\n\(usage)")
            case _ where request.file == nil: request.file = argument
            default: throw Failure(description: "one FILE only (\(argument) is a second)\n\(usage)")
            }
        }
        guard (request.file == nil) != (request.database == nil) else {
            throw Failure(description: "give either a dumpdata FILE or --database URL\n\(usage)")
        }
        return request
    }

    func run(using context: inout CommandContext) async throws {
        let request = try Self.parse(context.input.arguments)
        let dump: Dump, source: String
        if let url = request.database {
            let location = try SeedDatabase.location(url)
            dump = try SeedDatabase.read(location)
            source = "\(location.user)@\(location.host):\(location.port)/\(location.database)"  // no password
        } else {
            dump = try Self.read(URL(fileURLWithPath: request.file!))
            source = request.file!
        }
        try await importDump(dump, from: source, dryRun: request.dryRun, context: context)
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    struct DumpUser {
        var pk: Int, username: String, email: String, firstName: String, lastName: String
        var password: String, isActive: Bool, dateJoined: Date?, lastLogin: Date?

        init(
            pk: Int, username: String, email: String, firstName: String, lastName: String,
            password: String, isActive: Bool, dateJoined: Date?, lastLogin: Date?
        ) {
            self.pk = pk; self.username = username; self.email = email; self.firstName = firstName
            self.lastName = lastName; self.isActive = isActive; self.dateJoined = dateJoined; self.lastLogin = lastLogin
            // Django leaves an empty password for some accounts: as unusable as its `!…`.
            self.password = password.isEmpty ? "!" : password
        }
    }
    struct DumpBook { var owner: Int, title: String, author: String, year: Int, available: Bool }
    struct Dump { var users: [DumpUser], books: [DumpBook], skipped: [String: Int] }

    func importDump(_ dump: Dump, from source: String, dryRun: Bool, context: CommandContext) async throws {
        let (users, books) = (dump.users, dump.books)
        let db = context.application.db
        let roles = context.application.config.defaultRoles
        var created = 0, updated = 0, booksAdded = 0, booksThere = 0
        var refused: [String] = []
        var ids: [Int: Int] = [:]  // Django user pk -> our id
        for u in users {
            let existing = try await Self.match(u, on: db)
            if existing == nil { created += 1 } else { updated += 1 }
            if dryRun { ids[u.pk] = existing?.id ?? -u.pk; continue }
            if let existing, existing.authSource != "local" {
                // An SSO account here already: the provider keeps its profile, the books go to it.
                ids[u.pk] = try existing.requireID()
                continue
            }
            let user = existing ?? User(username: u.username, email: u.email, passwordHash: u.password, isActive: u.isActive)
            user.email = u.email.lowercased()
            user.firstName = u.firstName
            user.lastName = u.lastName
            user.isActive = u.isActive
            if let last = u.lastLogin, user.lastLogin.map({ $0 < last }) ?? true { user.lastLogin = last }
            // An imported hash is replaced at first login; once replaced, a second run keeps ours.
            if DjangoPassword.isDjangoHash(user.passwordHash) || DjangoPassword.isUnusable(user.passwordHash) {
                user.passwordHash = u.password
            }
            do {
                try await db.transaction { db in
                    try await user.save(on: db)
                    if existing == nil {
                        for role in roles { try await UserRole(userID: user.requireID(), role: role).create(on: db) }
                    }
                    if let joined = u.dateJoined {
                        try await User.query(on: db).filter(\.$id == user.requireID()).set(\.$dateJoined, to: joined).update()
                    }
                }
                ids[u.pk] = try user.requireID()
            } catch let error as any DatabaseError where error.isConstraintFailure {
                refused.append("user \(u.username) (pk \(u.pk)): its e-mail address \(u.email) belongs to another account here")
                if existing == nil { created -= 1 } else { updated -= 1 }
            }
        }
        // Each owner's books here, by what a seed book is matched on, read once; new ones are
        // saved 500 to a statement, each batch in one transaction.
        var known: [Int: [BookKey: Book]] = [:]
        var pending: [Book] = [], inBatch = Set<ObjectIdentifier>()
        for b in books {
            guard let owner = ids[b.owner] else {
                refused.append("book “\(b.title)”: its owner (user pk \(b.owner)) is not in the file or was refused")
                continue
            }
            if known[owner] == nil { known[owner] = owner > 0 ? try await Self.books(of: owner, on: db) : [:] }
            let key = BookKey(title: b.title, author: b.author, year: b.year)
            if let there = known[owner]?[key] {
                booksThere += 1
                if !dryRun, there.isAvailable != b.available {
                    there.isAvailable = b.available
                    let which = ObjectIdentifier(there)
                    if inBatch.contains(which) {
                        // Saved by a batch (which gives the model no id): by its key instead.
                        try await Book.query(on: db).filter(\.$owner.$id == owner).filter(\.$title == b.title)
                            .filter(\.$author == b.author).filter(\.$publishedYear == b.year)
                            .set(\.$isAvailable, to: b.available).update()
                    } else if !pending.contains(where: { $0 === there }) {
                        try await there.save(on: db)  // a book that was here before
                    }  // else it goes with its batch
                }
                continue
            }
            booksAdded += 1
            let book = Book()
            book.$owner.id = owner
            book.title = b.title
            book.author = b.author
            book.publishedYear = b.year
            book.isAvailable = b.available
            book.refreshSearchText()
            known[owner]?[key] = book
            if dryRun { continue }
            pending.append(book)
            if pending.count == 500 {
                try await Self.insert(pending, on: db)
                inBatch.formUnion(pending.map(ObjectIdentifier.init))
                pending.removeAll()
            }
        }
        if !pending.isEmpty { try await Self.insert(pending, on: db) }
        let verb = dryRun ? "Would import" : "Imported"
        let usersRefused = users.count - created - updated, booksRefused = books.count - booksAdded - booksThere
        func refusedPart(_ n: Int) -> String { n > 0 ? ", \(n) refused" : "" }
        context.console.print(
            "\(verb) \(users.count) users (\(created) new, \(updated) updated\(refusedPart(usersRefused))) and "
                + "\(books.count) books (\(booksAdded) new, \(booksThere) already there\(refusedPart(booksRefused))) "
                + "from \(source).")
        for (model, count) in dump.skipped.sorted(by: { $0.key < $1.key }) {
            context.console.print(
                "Skipped \(count) \(model) records: not users or books (sessions and tokens do not carry over).")
        }
        for line in refused { context.console.print("Refused: " + line) }
        if !refused.isEmpty { throw Failure(description: "\(refused.count) records refused (see above)") }
    }

    /// What a seed book is matched on: its owner's books here with the same title, author and year.
    struct BookKey: Hashable { var title: String, author: String, year: Int }

    static func books(of owner: Int, on db: any Database) async throws -> [BookKey: Book] {
        var byKey: [BookKey: Book] = [:]
        for book in try await Book.query(on: db).filter(\.$owner.$id == owner).all() {
            byKey[BookKey(title: book.title, author: book.author, year: book.publishedYear)] = book
        }
        return byKey
    }

    static func insert(_ batch: [Book], on db: any Database) async throws {
        try await db.transaction { tx in try await batch.create(on: tx) }
    }

    /// The account here that a seed user is: the same username, or for one of the seed's
    /// Keycloak users (an unusable password) the SSO account here with the same e-mail address,
    /// whichever came first, the first sign-in or the import.
    static func match(_ u: DumpUser, on db: any Database) async throws -> User? {
        if let same = try await User.find(username: u.username, on: db) { return same }
        guard DjangoPassword.isUnusable(u.password), !u.email.isEmpty else { return nil }
        return try await User.query(on: db).filter(\.$email == u.email.lowercased()).filter(\.$authSource == "oidc").first()
    }

    /// The users and books of a dumpdata file, or an error saying why it is not one.
    static func read(_ url: URL) throws -> Dump {
        guard let data = try? Data(contentsOf: url) else { throw Failure(description: "cannot read \(url.path)") }
        guard let records = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw Failure(description: "\(url.path) is not a dumpdata file: expected a JSON array of {model, pk, fields} records")
        }
        var users: [DumpUser] = [], books: [DumpBook] = []
        var skipped: [String: Int] = [:]
        for (i, r) in records.enumerated() {
            guard let model = r["model"] as? String, r["pk"] != nil, let f = r["fields"] as? [String: Any] else {
                throw Failure(description: "record \(i + 1) has no model, pk and fields: not a dumpdata file")
            }
            let isUser = model == "auth.user",
                isBook = bookModels.contains(model.split(separator: ".").last.map(String.init) ?? "")
            guard !isUser && !isBook else {
                guard let pk = r["pk"] as? Int else {
                    throw Failure(description: "\(model) record \(i + 1) has a pk that is not a number")
                }
                try isUser ? users.append(user(pk: pk, f, i)) : books.append(book(pk: pk, f, i))
                continue
            }
            skipped[model, default: 0] += 1
        }
        guard !users.isEmpty else {
            throw Failure(description: "\(url.path) holds no auth.user records: not a dump of the seed's users")
        }
        return Dump(users: users, books: books, skipped: skipped)
    }

    static func user(pk: Int, _ f: [String: Any], _ i: Int) throws -> DumpUser {
        guard let name = f["username"] as? String, let password = f["password"] as? String else {
            throw Failure(description: "user record \(i + 1) (pk \(pk)) has no username or password")
        }
        return DumpUser(
            pk: pk, username: name, email: f["email"] as? String ?? "",
            firstName: f["first_name"] as? String ?? "", lastName: f["last_name"] as? String ?? "",
            password: password, isActive: f["is_active"] as? Bool ?? true,
            dateJoined: date(f["date_joined"]), lastLogin: date(f["last_login"]))
    }

    static func book(pk: Int, _ f: [String: Any], _ i: Int) throws -> DumpBook {
        guard let title = f["title"] as? String, let author = f["author"] as? String,
            let year = f["published_year"] as? Int, let owner = f["user"] as? Int
        else {
            throw Failure(description: "book record \(i + 1) (pk \(pk)) lacks title, author, published_year or user")
        }
        return DumpBook(owner: owner, title: title, author: author, year: year, available: f["is_available"] as? Bool ?? false)
    }

    /// Django writes `2024-05-01T10:00:00.123Z`, or without the fraction when it is zero.
    static func date(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    /// The seed keeps books in `myapp.books`; a copy of its app under another label still counts.
    static let bookModels: Set<String> = ["books", "book"]
}
