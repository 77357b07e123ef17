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

    /// The seed's plain array, or a page when `page` or `page_size` is given.
    @Sendable func list(req: Request) async throws -> Response {
        let principal = try req.principal
        try req.application.policy.authorize(.readOwnBooks, principal)
        let query = try filteredQuery(req, ownerID: principal.userID)

        let pageParam = req.query[String.self, at: "page"]
        let sizeParam = req.query[String.self, at: "page_size"]
        guard pageParam != nil || sizeParam != nil else {
            return try await encode(query.all().map(BookDTO.init), for: req)
        }
        let size = min(Int(sizeParam ?? "") ?? Self.defaultPageSize, Self.maxPageSize)
        guard size > 0 else { throw FieldErrors("page_size", "Ensure this value is greater than or equal to 1.") }
        let page: Int
        if let pageParam {
            guard let p = Int(pageParam), p > 0 else { throw APIError(.notFound, "Invalid page.") }
            page = p
        } else {
            page = 1
        }
        let count = try await query.copy().count()
        let lastPage = max(1, (count + size - 1) / size)
        guard page <= lastPage else { throw APIError(.notFound, "Invalid page.") }
        let books = try await query.range(((page - 1) * size)..<(page * size)).all()
        let dto = PageDTO(
            count: count,
            next: page < lastPage ? pageURL(req, page: page + 1) : nil,
            previous: page > 1 ? pageURL(req, page: page - 1) : nil,
            results: books.map(BookDTO.init))
        return try await encode(dto, for: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let principal = try req.principal
        try req.application.policy.authorize(.createBook, principal)
        let book = Book()
        book.$owner.id = principal.userID
        try BookInput.apply(try req.inputObject(), to: book, partial: false)
        try await book.create(on: req.db)
        return try await encode(BookDTO(book), status: .created, for: req)
    }

    @Sendable func show(req: Request) async throws -> BookDTO {
        let principal = try req.principal
        try req.application.policy.authorize(.readOwnBooks, principal)
        return BookDTO(try await ownBook(req, principal))
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

    private func filteredQuery(_ req: Request, ownerID: Int) throws -> QueryBuilder<Book> {
        var errors = FieldErrors()
        let query = Book.query(on: req.db).filter(\.$owner.$id == ownerID)
        if let search = req.query[String.self, at: "search"]?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            query.filter(\.$searchText ~~ SearchText.term(search))
        }
        if let raw = req.query[String.self, at: "is_available"], !raw.isEmpty {
            if let available = FieldReader.parseBool(raw) {
                query.filter(\.$isAvailable == available)
            } else {
                errors.add("is_available", "Must be a valid boolean.")
            }
        }
        let ordering = req.query[String.self, at: "ordering"] ?? ""
        var tieBreak = DatabaseQuery.Sort.Direction.ascending
        for field in ordering.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !field.isEmpty {
            let descending = field.hasPrefix("-")
            let name = descending ? String(field.dropFirst()) : field
            guard let column = Self.orderings[name] else {
                errors.add("ordering", "Cannot order by '\(name)'; use title, author, published_year or created_at, with '-' for descending.")
                continue
            }
            if query.query.sorts.isEmpty, descending { tieBreak = .descending }
            query.sort(.path([.string(column)], schema: Book.schema), descending ? .descending : .ascending)
        }
        try errors.throwIfAny()
        // Ties are broken by id, so consecutive pages neither repeat nor skip a book; in the first
        // sort's direction, so that the (owner, column, id) index serves the whole order.
        query.sort(\.$id, tieBreak)
        return query
    }

    private func pageURL(_ req: Request, page: Int) -> String {
        var items = (URLComponents(string: req.url.string)?.queryItems ?? []).filter { $0.name != "page" }
        items.append(URLQueryItem(name: "page", value: String(page)))
        var components = URLComponents()
        components.queryItems = items
        return req.application.config.publicURL + req.url.path + "?" + (components.percentEncodedQuery ?? "")
    }

    private func encode(_ value: some Content, status: HTTPStatus = .ok, for req: Request) async throws -> Response {
        let response = Response(status: status)
        try response.content.encode(value, as: .json)
        return response
    }
}
