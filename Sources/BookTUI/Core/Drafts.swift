import BookClient
import Foundation

/// A book form being typed. It is written to disk while the user types (not when a signal
/// arrives: nothing but async-signal-safe work belongs in a signal handler), so an SSH drop,
/// SIGTERM or a crash loses nothing; the next start offers to go on with it.
public struct BookFormDraft: Codable, Equatable, Sendable {
    public var server: String
    /// The book being edited; nil for a new one.
    public var bookID: Int?
    public var values: [String: String]
    public var available: Bool
}

/// Where the draft lives: `draft-book.json` (0600) beside the tokens.
public struct DraftStore: Sendable {
    public let store: TokenStore
    static let name = "draft-book.json"

    public init(store: TokenStore) { self.store = store }

    public func load(server: String) -> BookFormDraft? {
        guard let data = try? store.readPrivate(name: Self.name),
              let d = try? JSONDecoder().decode(BookFormDraft.self, from: data),
              d.server == TokenStore.key(server) else { return nil }
        return d
    }

    public func save(_ d: BookFormDraft) {
        guard let data = try? JSONEncoder().encode(d) else { return }
        try? store.writePrivate(data, name: Self.name)
    }

    public func remove() { store.removePrivate(name: Self.name) }
}
