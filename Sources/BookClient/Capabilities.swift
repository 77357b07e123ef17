import Foundation

/// What a server offers, in one value: set by `BookClient` from `/api/auth/config/` and from the
/// first answers that tell our server from the seed's backend (a paged list, a profile with
/// roles), read by every screen and command.
public struct Capabilities: Sendable, Equatable {
    /// Our extensions (paging, search, more book fields, the routes below); nil until known.
    public var extensions: Bool?
    /// `/api/auth/config/` as answered (the seed's backend: `.seed`); nil until asked.
    public var signIn: AuthConfig?

    public init(extensions: Bool? = nil, signIn: AuthConfig? = nil) {
        self.extensions = extensions
        self.signIn = signIn
    }

    /// Known to have our extensions.
    public var extended: Bool { extensions == true }
    /// Whether the server has said how one signs in; until then nothing is refused for lack of it.
    public var signInKnown: Bool { signIn != nil }
    /// Local accounts (username and password).
    public var localLogin: Bool { signIn?.local ?? true }
    /// Registration is worth offering: ours says so; the seed's web site registers, so it counts.
    public var registration: Bool { signIn.map { $0.registration || !$0.extended } ?? true }
    /// Password reset by e-mail through the API (ours).
    public var passwordReset: Bool { signIn.map(\.extended) ?? true }
    /// Changing one's password through the API (ours).
    public var passwordChange: Bool { extended }
    /// `GET /api/lookup/isbn/…/`.
    public var isbnLookup: Bool { signIn?.isbnLookup ?? false }
    /// The OpenID provider the server trusts, when it advertises one.
    public var sso: OIDCAdvert? { signIn?.oidc }
    /// `POST /api/books/bulk/` (ours); the seed takes books one by one.
    public var bulkImport: Bool { extended }
}

/// The one `Capabilities` of a client: written by the client actor, read synchronously (a
/// screen draws without awaiting).
public final class CapabilitiesCell: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Capabilities()

    public init() {}

    public var current: Capabilities {
        lock.lock(); defer { lock.unlock() }
        return value
    }

    /// What `/api/auth/config/` answered (the seed's 404 is `.seed`).
    public func learn(_ signIn: AuthConfig) {
        update {
            $0.signIn = signIn; $0.extensions = signIn.extended
        }
    }

    /// What an answer showed about our extensions.
    public func learn(extensions: Bool) {
        update { $0.extensions = extensions }
    }

    func update(_ change: (inout Capabilities) -> Void) {
        lock.lock(); defer { lock.unlock() }
        change(&value)
    }
}
