import Vapor

/// The long-lived services the routes use, kept in the application's storage.
extension Application {
    private struct LocalTokensKey: StorageKey { typealias Value = LocalTokens }
    private struct OneTimeTokensKey: StorageKey { typealias Value = OneTimeTokens }
    private struct MailerKey: StorageKey { typealias Value = Mailer }

    public var localTokens: LocalTokens {
        get { storage[LocalTokensKey.self]! }
        set { storage[LocalTokensKey.self] = newValue }
    }

    public var oneTimeTokens: OneTimeTokens {
        get { storage[OneTimeTokensKey.self]! }
        set { storage[OneTimeTokensKey.self] = newValue }
    }

    public var mailer: Mailer {
        get { storage[MailerKey.self]! }
        set { storage[MailerKey.self] = newValue }
    }

    public var policy: Policy { Policy() }

    private struct DummyHashKey: StorageKey { typealias Value = String }

    /// A hash of a random password, checked when a username does not exist so that the answer
    /// takes as long as for a real one. Made at start-up with the configured cost.
    var dummyPasswordHash: String {
        get { storage[DummyHashKey.self]! }
        set { storage[DummyHashKey.self] = newValue }
    }
}
