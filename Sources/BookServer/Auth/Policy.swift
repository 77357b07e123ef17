/// The one rule book for who may do what, for local and OIDC users alike.
public struct Policy: Sendable {
    public enum Action: String, Sendable, CaseIterable {
        case readOwnBooks, createBook, changeBook, deleteBook, readProfile, changeProfile, lookUpISBN
    }

    /// The role that may catalogue: create, change and delete books.
    public static let librarianRole = "librarian"

    public init() {}

    /// The role an action needs, or nil when any signed-in, active user may do it.
    public func requiredRole(for action: Action) -> String? {
        switch action {
        case .createBook, .changeBook, .deleteBook: Self.librarianRole
        case .readOwnBooks, .readProfile, .changeProfile, .lookUpISBN: nil
        }
    }

    /// Throws `403` with the reason when the principal may not do `action`.
    public func authorize(_ action: Action, _ principal: Principal) throws {
        guard let role = requiredRole(for: action), !principal.roles.contains(role) else { return }
        let verb =
            switch action {
            case .createBook: "add books"
            case .changeBook: "change books"
            case .deleteBook: "delete books"
            default: "do this"
            }
        throw APIError.forbidden("You need the '\(role)' role to \(verb). Ask an administrator to grant it.")
    }
}
