import Foundation

/// A book as the server returns it. Fields after `isAvailable` are our server's extensions;
/// the seed's backend leaves them out, so they are optional.
public struct Book: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var title: String
    public var author: String
    public var publishedYear: Int
    public var user: Int?
    public var isAvailable: Bool
    public var isbn: String?
    public var publisher: String?
    public var pages: Int?
    public var notes: String?
    public var createdAt: String?
    public var updatedAt: String?

    public init(id: Int, title: String, author: String, publishedYear: Int, user: Int? = nil,
                isAvailable: Bool = false, isbn: String? = nil, publisher: String? = nil,
                pages: Int? = nil, notes: String? = nil, createdAt: String? = nil, updatedAt: String? = nil) {
        self.id = id; self.title = title; self.author = author; self.publishedYear = publishedYear
        self.user = user; self.isAvailable = isAvailable; self.isbn = isbn; self.publisher = publisher
        self.pages = pages; self.notes = notes; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// The writable fields of a book, as sent on create and update.
public struct BookDraft: Sendable, Equatable {
    public var title: String
    public var author: String
    public var publishedYear: Int
    public var isAvailable: Bool
    public var isbn: String?
    public var publisher: String?
    public var pages: Int?
    public var notes: String?

    public init(title: String, author: String, publishedYear: Int, isAvailable: Bool = false,
                isbn: String? = nil, publisher: String? = nil, pages: Int? = nil, notes: String? = nil) {
        self.title = title; self.author = author; self.publishedYear = publishedYear
        self.isAvailable = isAvailable; self.isbn = isbn; self.publisher = publisher
        self.pages = pages; self.notes = notes
    }

    public init(_ book: Book) {
        self.init(title: book.title, author: book.author, publishedYear: book.publishedYear,
                  isAvailable: book.isAvailable, isbn: book.isbn, publisher: book.publisher,
                  pages: book.pages, notes: book.notes)
    }

    /// JSON body. Extension fields are sent only to a server that has them (the seed would ignore
    /// them anyway, but keeping the body to the contract makes old servers' errors clearer).
    func jsonObject(extended: Bool) -> [String: Any] {
        var o: [String: Any] = [
            "title": title, "author": author, "published_year": publishedYear, "is_available": isAvailable,
        ]
        if extended {
            o["isbn"] = isbn.map { $0 as Any } ?? NSNull()
            o["publisher"] = publisher.map { $0 as Any } ?? NSNull()
            o["pages"] = pages.map { $0 as Any } ?? NSNull()
            o["notes"] = notes.map { $0 as Any } ?? NSNull()
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

    public init(id: Int, username: String, email: String? = nil, firstName: String? = nil, lastName: String? = nil,
                dateJoined: String? = nil, lastLogin: String? = nil, bookCount: Int? = nil,
                roles: [String]? = nil, authSource: String? = nil, pendingEmail: String? = nil) {
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

    public init(local: Bool = true, registration: Bool = false, oidc: OIDCAdvert? = nil, extended: Bool = false,
                isbnLookup: Bool = false) {
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

    public init(issuer: String, clientId: String, scopes: [String] = ["openid", "profile", "email"],
                deviceAuthorization: Bool = true, providerName: String? = nil) {
        self.issuer = issuer; self.clientId = clientId; self.scopes = scopes; self.deviceAuthorization = deviceAuthorization
        self.providerName = providerName
    }
}
