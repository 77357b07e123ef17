import Fluent
import Vapor

/// `/api/books/`: each user's own books. Reading needs a signed-in user; changing needs `librarian`.
struct BookController: RouteCollection {
    static let maxPageSize = 500
    static let defaultPageSize = 50
    static let orderings: [String: String] = [
        "title": "title", "author": "author", "published_year": "published_year", "created_at": "created_at",
    ]

    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: list)
        routes.post(use: create)
        routes.group(":bookID") { book in
            book.get(use: show)
            book.put(use: replace)
            book.patch(use: update)
            book.delete(use: delete)
        }
    }

    /// The seed's plain array, or a page when `page` or `page_size` is given. Future-based, so the
    /// seed client's plain list (the commonest read) runs without a task of its own.
    @Sendable func list(req: Request) throws -> EventLoopFuture<Response> {
        let principal = try req.principal
        try req.application.policy.authorize(.readOwnBooks, principal)
        let filter = try listFilter(req, ownerID: principal.userID)

        let pageParam = req.query[String.self, at: "page"]
        let sizeParam = req.query[String.self, at: "page_size"]
        guard pageParam != nil || sizeParam != nil else {
            return try BookQueries.listJSON(filter, on: req.db, reader: req.application.sqliteReader).map { body in
                var headers = HTTPHeaders()
                headers.contentType = .json
                return Response(status: .ok, headers: headers, body: .init(buffer: body))
            }
        }
        let promise = req.eventLoop.makePromise(of: Response.self)
        promise.completeWithTask { try await page(req, filter, page: pageParam, size: sizeParam) }
        return promise.futureResult
    }

    private func page(_ req: Request, _ filter: BookQueries.Filter, page pageParam: String?, size sizeParam: String?)
        async throws -> Response
    {
        let size = min(Int(sizeParam ?? "") ?? Self.defaultPageSize, Self.maxPageSize)
        guard size > 0 else { throw FieldErrors("page_size", "Ensure this value is greater than or equal to 1.") }
        let page: Int
        if let pageParam {
            guard let p = Int(pageParam), p > 0 else { throw APIError(.notFound, "Invalid page.") }
            page = p
        } else {
            page = 1
        }
        let (start, end) =
            page.multipliedReportingOverflow(by: size).overflow
            ? (Int.max - size, Int.max) : ((page - 1) * size, page * size)
        let (count, books) = try await BookQueries.page(
            filter, range: start..<end, on: req.db, reader: req.application.sqliteReader, bookmarks: req.application.pageBookmarks
        )
        let lastPage = max(1, (count + size - 1) / size)
        guard page <= lastPage else { throw APIError(.notFound, "Invalid page.") }
        let dto = PageDTO(
            count: count,
            next: page < lastPage ? pageURL(req, page: page + 1) : nil,
            previous: page > 1 ? pageURL(req, page: page - 1) : nil,
            results: books)
        return dto.jsonResponse(capacity: 512 + 320 * books.count)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let principal = try req.principal
        try req.application.policy.authorize(.createBook, principal)
        let book = Book()
        book.$owner.id = principal.userID
        try BookInput.apply(try req.inputObject(), to: book, partial: false)
        let now = Date()
        book.createdAt = now  // as Fluent's timestamps would be set
        book.updatedAt = now
        book.id = try await BookBulkController.insert(book, on: req.db, writer: req.application.sqliteWriter)
        return BookDTO(book).jsonResponse(status: .created)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let principal = try req.principal
        try req.application.policy.authorize(.readOwnBooks, principal)
        guard let id = req.parameters.get("bookID", as: Int.self),
            let book = try await BookQueries.one(
                id: id, ownerID: principal.userID, on: req.db, reader: req.application.sqliteReader)
        else { throw APIError.notFound }
        return book.jsonResponse()
    }

    @Sendable func replace(req: Request) async throws -> BookDTO { try await save(req, partial: false) }
    @Sendable func update(req: Request) async throws -> BookDTO { try await save(req, partial: true) }

    private func save(_ req: Request, partial: Bool) async throws -> BookDTO {
        let principal = try req.principal
        try req.application.policy.authorize(.changeBook, principal)
        let book = try await ownBook(req, principal)
        try BookInput.apply(try req.inputObject(), to: book, partial: partial)
        try await book.save(on: req.db)
        return BookDTO(book)
    }

    @Sendable func delete(req: Request) async throws -> HTTPStatus {
        let principal = try req.principal
        try req.application.policy.authorize(.deleteBook, principal)
        try await ownBook(req, principal).delete(on: req.db)
        return .noContent
    }

    /// Someone else's book is indistinguishable from a missing one.
    private func ownBook(_ req: Request, _ principal: Principal) async throws -> Book {
        guard let id = req.parameters.get("bookID", as: Int.self),
            let book = try await Book.query(on: req.db)
                .filter(\.$id == id).filter(\.$owner.$id == principal.userID).first()
        else { throw APIError.notFound }
        return book
    }

    private func listFilter(_ req: Request, ownerID: Int) throws -> BookQueries.Filter {
        var errors = FieldErrors()
        var filter = BookQueries.Filter(ownerID: ownerID)
        if let search = req.query[String.self, at: "search"] {
            filter.search = BookQueries.searchPredicate(search)
        }
        if let raw = req.query[String.self, at: "is_available"], !raw.isEmpty {
            if let available = FieldReader.parseBool(raw) {
                filter.isAvailable = available
            } else {
                errors.add("is_available", "Must be a valid boolean.")
            }
        }
        let ordering = req.query[String.self, at: "ordering"] ?? ""
        for field in ordering.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !field.isEmpty {
            let descending = field.hasPrefix("-")
            let name = descending ? String(field.dropFirst()) : field
            guard let column = Self.orderings[name] else {
                errors.add(
                    "ordering",
                    "Cannot order by '\(name)'; use title, author, published_year or created_at, with '-' for descending.")
                continue
            }
            filter.sorts.append((column, descending))
        }
        try errors.throwIfAny()
        return filter
    }

    private func pageURL(_ req: Request, page: Int) -> String {
        var items = (URLComponents(string: req.url.string)?.queryItems ?? []).filter { $0.name != "page" }
        items.append(URLQueryItem(name: "page", value: String(page)))
        var components = URLComponents()
        components.queryItems = items
        return req.application.config.publicURL + req.url.path + "?" + (components.percentEncodedQuery ?? "")
    }

}
