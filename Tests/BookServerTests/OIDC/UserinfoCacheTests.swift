import Foundation
import Logging
import Testing

@testable import BookServer

/// The userinfo cache against a provider made of closures: one fetch per subject while fresh, the
/// token sent as Bearer, failures and answers for another subject not kept.
@Suite struct UserinfoCacheTests {
    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [(String, String)] = []
        var status: UInt = 200
        func add(_ url: String, _ token: String) { lock.lock(); list.append((url, token)); lock.unlock() }
        var all: [(String, String)] { lock.lock(); defer { lock.unlock() }; return list }
    }

    final class Clock: @unchecked Sendable {
        var now = Date(timeIntervalSince1970: 1_800_000_000)
    }

    func effects(_ calls: Calls, _ clock: Clock, body: @escaping @Sendable (String) -> String) -> OIDCEffects {
        OIDCEffects(
            fetch: { _ in
                Issue.record("plain fetch used"); return .init(status: 500, body: Data())
            },
            fetchAuthorized: { url, token in
                calls.add(url, token)
                return .init(status: calls.status, body: Data(body(token).utf8))
            },
            now: { clock.now })
    }

    @Test func fetchesOncePerSubjectWhileFresh() async {
        let calls = Calls(), clock = Clock(), cache = UserinfoCache()
        let fx = effects(calls, clock) { _ in #"{"sub": "s-1", "email": "ann@example.org", "name": "Ann"}"# }
        let logger = Logger(label: "test")
        let first = await cache.info(for: "s-1", token: "tok-1", endpoint: "http://op/userinfo", effects: fx, logger: logger)
        #expect(first?["email"] == .string("ann@example.org"))
        _ = await cache.info(for: "s-1", token: "tok-2", endpoint: "http://op/userinfo", effects: fx, logger: logger)
        #expect(calls.all.count == 1)
        #expect(calls.all.first?.0 == "http://op/userinfo" && calls.all.first?.1 == "tok-1")
        clock.now += UserinfoCache.lifetime + 1
        _ = await cache.info(for: "s-1", token: "tok-3", endpoint: "http://op/userinfo", effects: fx, logger: logger)
        #expect(calls.all.count == 2 && calls.all.last?.1 == "tok-3")
    }

    @Test func failuresAndForeignSubjectsAreNotKept() async {
        let calls = Calls(), clock = Clock(), cache = UserinfoCache()
        let logger = Logger(label: "test")
        calls.status = 401
        let fx = effects(calls, clock) { _ in #"{"sub": "s-1"}"# }
        #expect(await cache.info(for: "s-1", token: "t", endpoint: "u", effects: fx, logger: logger) == nil)
        calls.status = 200
        #expect(await cache.info(for: "s-1", token: "t", endpoint: "u", effects: fx, logger: logger)?["sub"] == .string("s-1"))
        #expect(calls.all.count == 2)
        let other = effects(calls, clock) { _ in #"{"sub": "s-2"}"# }
        #expect(await cache.info(for: "s-9", token: "t", endpoint: "u", effects: other, logger: logger) == nil)
    }
}
