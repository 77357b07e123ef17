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

/// Where the draft lives: `draft-book.json` (0600) in booktui's private folder, beside the tokens.
public struct DraftStore: Sendable {
    public let folder: PrivateFolder
    static let name = "draft-book.json"

    public init(folder: PrivateFolder) { self.folder = folder }

    public func load(server: String) -> BookFormDraft? {
        guard let data = try? folder.read(Self.name),
            let d = try? JSONDecoder().decode(BookFormDraft.self, from: data),
            d.server == ServerAddress.normalized(server)
        else { return nil }
        return d
    }

    public func save(_ d: BookFormDraft) {
        guard let data = try? JSONEncoder().encode(d) else { return }
        try? folder.save(data, as: Self.name)
    }

    public func remove() { folder.remove(Self.name) }
}
