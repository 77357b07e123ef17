@_exported import BookModel
import Foundation

/// The values of a book's fields (`BookField.all`), by name: what `Book` and `BookDraft` hold, so a
/// field declared in BookModel travels through the client without code of its own here.
public struct BookValues: Sendable, Equatable {
    var byName: [String: BookValue] = [:]

    public init() {}

    public subscript(field: BookField) -> BookValue? {
        get { byName[field.name] }
        set { byName[field.name] = newValue }
    }

    /// The fields of a JSON object (the API's names, or camelCase ones from a key-converting decoder).
    init<Key: CodingKey>(from c: KeyedDecodingContainer<Key>) throws {
        for field in BookField.all {
            let names = [field.name, Self.camelCase(field.name)]
            guard let k = names.compactMap(Key.init(stringValue:)).first(where: c.contains) else { continue }
            switch field.kind {
            case .text, .lines, .isbn: self[field] = try c.decodeIfPresent(String.self, forKey: k).map(BookValue.text)
            case .integer, .year: self[field] = try c.decodeIfPresent(Int.self, forKey: k).map(BookValue.number)
            case .flag: self[field] = try c.decodeIfPresent(Bool.self, forKey: k).map(BookValue.flag)
            }
        }
    }

    static func camelCase(_ name: String) -> String {
        let parts = name.split(separator: "_")
        return parts.prefix(1).joined() + parts.dropFirst().map(\.capitalized).joined()
    }

    // The seed's fields (every server has them) and ours, typed, for code that names them.
    var title: String {
        get { self[.title]?.text ?? "" }
        set { self[.title] = .text(newValue) }
    }
    var author: String {
        get { self[.author]?.text ?? "" }
        set { self[.author] = .text(newValue) }
    }
    var publishedYear: Int {
        get { self[.publishedYear]?.number ?? 0 }
        set { self[.publishedYear] = .number(newValue) }
    }
    var isAvailable: Bool {
        get { self[.isAvailable]?.flag ?? false }
        set { self[.isAvailable] = .flag(newValue) }
    }
    var isbn: String? {
        get { self[.isbn]?.text }
        set { self[.isbn] = newValue.map(BookValue.text) }
    }
    var publisher: String? {
        get { self[.publisher]?.text }
        set { self[.publisher] = newValue.map(BookValue.text) }
    }
    var pages: Int? {
        get { self[.pages]?.number }
        set { self[.pages] = newValue.map(BookValue.number) }
    }
    var notes: String? {
        get { self[.notes]?.text }
        set { self[.notes] = newValue.map(BookValue.text) }
    }
}

/// Field access shared by `Book` and `BookDraft`.
public protocol BookFieldValues {
    var values: BookValues { get set }
}

extension BookFieldValues {
    /// The value of `field`; nil where the book has none (or the seed's server does not keep it).
    public subscript(field: BookField) -> BookValue? {
        get { values[field] }
        set { values[field] = newValue }
    }

    public var title: String {
        get { values.title }
        set { values.title = newValue }
    }
    public var author: String {
        get { values.author }
        set { values.author = newValue }
    }
    public var publishedYear: Int {
        get { values.publishedYear }
        set { values.publishedYear = newValue }
    }
    public var isAvailable: Bool {
        get { values.isAvailable }
        set { values.isAvailable = newValue }
    }
    public var isbn: String? {
        get { values.isbn }
        set { values.isbn = newValue }
    }
    public var publisher: String? {
        get { values.publisher }
        set { values.publisher = newValue }
    }
    public var pages: Int? {
        get { values.pages }
        set { values.pages = newValue }
    }
    public var notes: String? {
        get { values.notes }
        set { values.notes = newValue }
    }
}

/// A book as the server returns it: `id`, the fields (our server's extensions are absent on the
/// seed's backend), the owner and, on ours, the timestamps.
public struct Book: Decodable, Sendable, Equatable, Identifiable, BookFieldValues {
    public var id: Int
    public var user: Int?
    public var values: BookValues
    public var createdAt: String?
    public var updatedAt: String?

    public init(
        id: Int, title: String, author: String, publishedYear: Int, user: Int? = nil,
        isAvailable: Bool = false, isbn: String? = nil, publisher: String? = nil,
        pages: Int? = nil, notes: String? = nil, createdAt: String? = nil, updatedAt: String? = nil
    ) {
        self.id = id
        self.user = user
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        values =
            BookDraft(
                title: title, author: author, publishedYear: publishedYear, isAvailable: isAvailable,
                isbn: isbn, publisher: publisher, pages: pages, notes: notes
            ).values
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        func key(_ names: String...) -> Key { names.lazy.map(Key.init).first(where: c.contains) ?? Key(stringValue: names[0]) }
        id = try c.decode(Int.self, forKey: key("id"))
        user = try c.decodeIfPresent(Int.self, forKey: key("user"))
        createdAt = try c.decodeIfPresent(String.self, forKey: key("created_at", "createdAt"))
        updatedAt = try c.decodeIfPresent(String.self, forKey: key("updated_at", "updatedAt"))
        values = try BookValues(from: c)
        for field in BookField.all where field.required && values[field] == nil {
            throw DecodingError.keyNotFound(
                Key(stringValue: field.name), .init(codingPath: c.codingPath, debugDescription: "a book without \(field.name)"))
        }
    }
}

/// The writable fields of a book, as sent on create and update.
public struct BookDraft: Sendable, Equatable, BookFieldValues {
    public var values = BookValues()

    public init(
        title: String, author: String, publishedYear: Int, isAvailable: Bool = false,
        isbn: String? = nil, publisher: String? = nil, pages: Int? = nil, notes: String? = nil
    ) {
        self.title = title
        self.author = author
        self.publishedYear = publishedYear
        self.isAvailable = isAvailable
        self.isbn = isbn
        self.publisher = publisher
        self.pages = pages
        self.notes = notes
    }

    public init(_ book: Book) { values = book.values }

    /// A draft made of field values (those not given are empty).
    public init(_ values: (BookField) -> BookValue?) {
        for field in BookField.all { self.values[field] = values(field) }
    }

    /// JSON body. Extension fields are sent only to a server that has them (the seed would ignore
    /// them anyway, but keeping the body to the contract makes old servers' errors clearer).
    func jsonObject(extended: Bool) -> [String: Any] {
        var o: [String: Any] = [:]
        for field in BookField.kept(extended: extended) {
            switch self[field] {
            case .text(let s)?: o[field.name] = s
            case .number(let n)?: o[field.name] = n
            case .flag(let b)?: o[field.name] = b
            case nil: o[field.name] = field.kind == .flag ? false : NSNull()
            }
        }
        return o
    }
}

/// One page of a book list plus the total count.
public struct BookPage: Sendable, Equatable {
    public var count: Int
    public var results: [Book]
    public init(count: Int, results: [Book]) { self.count = count; self.results = results }
}

/// The sort columns of the list. `createdAt` exists only on our server.
public enum SortField: String, Sendable, CaseIterable {
    case title, author, publishedYear = "published_year", createdAt = "created_at"

    public var label: String {
        switch self {
        case .title: "title"
        case .author: "author"
        case .publishedYear: "year"
        case .createdAt: "added"
        }
    }
}

/// What a list request asks for.
public struct BookQuery: Sendable, Equatable {
    public var search: String
    public var sort: SortField
    public var descending: Bool
    public var availableOnly: Bool
    public init(search: String = "", sort: SortField = .title, descending: Bool = false, availableOnly: Bool = false) {
        self.search = search; self.sort = sort; self.descending = descending; self.availableOnly = availableOnly
    }
    public var ordering: String { (descending ? "-" : "") + sort.rawValue }
}

/// The signed-in user's profile. `roles` and `authSource` are our server's extensions.
public struct Profile: Codable, Sendable, Equatable {
    public var id: Int
    public var username: String
    public var email: String?
    public var firstName: String?
    public var lastName: String?
    public var dateJoined: String?
    public var lastLogin: String?
    public var bookCount: Int?
    public var roles: [String]?
    public var authSource: String?
    /// A new e-mail address waiting to be confirmed from its mailbox (our server's extension).
    public var pendingEmail: String?

    public init(
        id: Int, username: String, email: String? = nil, firstName: String? = nil, lastName: String? = nil,
        dateJoined: String? = nil, lastLogin: String? = nil, bookCount: Int? = nil,
        roles: [String]? = nil, authSource: String? = nil, pendingEmail: String? = nil
    ) {
        self.id = id; self.username = username; self.email = email; self.firstName = firstName
        self.lastName = lastName; self.dateJoined = dateJoined; self.lastLogin = lastLogin
        self.bookCount = bookCount; self.roles = roles; self.authSource = authSource
        self.pendingEmail = pendingEmail
    }

    /// Whether the user may add, change and delete books. The seed's API does not know roles
    /// and lets everyone write, so an absent role list means yes.
    public var canEditBooks: Bool { roles.map { $0.contains("librarian") } ?? true }
}

/// The editable profile fields.
public struct ProfileUpdate: Sendable, Equatable {
    public var email: String
    public var firstName: String
    public var lastName: String
    /// The current password; the server asks for it when the e-mail address changes.
    public var currentPassword: String?
    public init(email: String, firstName: String, lastName: String, currentPassword: String? = nil) {
        self.email = email; self.firstName = firstName; self.lastName = lastName
        self.currentPassword = currentPassword
    }
}

/// The server's `/api/auth/config/`; the seed has none, which reads as "local login only".
public struct AuthConfig: Sendable, Equatable {
    public var local: Bool
    public var registration: Bool
    public var oidcIssuer: String? { oidc?.issuer }
    /// The OpenID provider the server trusts, when it advertises one.
    public var oidc: OIDCAdvert?
    /// False when the server is the seed's backend (no extensions).
    public var extended: Bool
    /// The server looks ISBNs up in library catalogues or Open Library (`/api/lookup/isbn/`).
    public var isbnLookup: Bool

    public init(
        local: Bool = true, registration: Bool = false, oidc: OIDCAdvert? = nil, extended: Bool = false,
        isbnLookup: Bool = false
    ) {
        self.local = local; self.registration = registration; self.oidc = oidc; self.extended = extended
        self.isbnLookup = isbnLookup
    }

    public static let seed = AuthConfig()
}

/// A new account as the server answers a registration.
public struct RegisteredUser: Sendable, Equatable {
    public var username: String
    public var email: String
}

/// What `GET /api/auth/config/` says about single sign-on: enough to sign in knowing only the
/// server's address.
public struct OIDCAdvert: Sendable, Equatable, Codable {
    public var issuer: String
    public var clientId: String
    public var scopes: [String]
    public var deviceAuthorization: Bool
    /// What the server calls the provider (`provider_name`); nil from a server too old to say.
    public var providerName: String?

    public init(
        issuer: String, clientId: String, scopes: [String] = ["openid", "profile", "email"],
        deviceAuthorization: Bool = true, providerName: String? = nil
    ) {
        self.issuer = issuer; self.clientId = clientId; self.scopes = scopes; self.deviceAuthorization = deviceAuthorization
        self.providerName = providerName
    }
}
