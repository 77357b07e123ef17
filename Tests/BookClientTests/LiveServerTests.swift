import Foundation
import Testing

@testable import BookClient

#if canImport(Glibc)
import Glibc
#endif

/// BookClient against a real `book-server` process (SQLite): every call, refresh with rotation,
/// logout's blacklist, the token file.
@Suite("BookClient against a real book-server", .serialized)
struct LiveServerTests {
    static let password = "correct-Horse-battery-9"

    func tempStore() -> TokenStore {
        let d = NSTemporaryDirectory() + "bookclient-store-\(UUID().uuidString)"
        mkdir(d, 0o700)
        return TokenStore(directory: d + "/booktui")
    }

    /// Registers and activates through the mailed link; returns a signed-in client.
    func newUser(_ server: LiveServer, store: TokenStore? = nil) async throws -> (BookClient, String, String) {
        let user = "u" + UUID().uuidString.prefix(8).lowercased()
        let address = "\(user)@example.org"
        let c = try BookClient(server: server.url, store: store, timeout: 10)
        _ = try await c.register(username: user, email: address, password: Self.password)
        let link = try #require(LinkToken.parse(try await server.mailedLink(to: address, kind: "activate"), kind: "activate"))
        try await c.activate(link)
        try await c.login(username: user, password: Self.password)
        return (c, user, address)
    }

    @Test func everyCall() async throws {
        let server = try await LiveServer()
        let c = try BookClient(server: server.url, store: nil, timeout: 10)

        // auth config
        let config = try await c.authConfig()
        #expect(config.extended && config.registration && config.local && config.oidcIssuer == nil)

        // register; inactive until activated; resend; activate
        let user = "u" + UUID().uuidString.prefix(8).lowercased(), address = "\(user)@example.org"
        let reg = try await c.register(username: user, email: address, password: Self.password)
        #expect(reg.username == user && reg.email == address)
        await #expect(throws: APIError.self) { try await c.register(username: user, email: address, password: Self.password) }
        do {
            try await c.login(username: user, password: Self.password)
            Issue.record("an inactive account could log in")
        } catch let e as APIError {
            #expect(e == .unauthorized("No active account found with the given credentials"))
        }
        try await c.resendActivation(email: address)
        #expect(server.mailCount(to: address) >= 1)
        let link = try #require(LinkToken.parse(try await server.mailedLink(to: address, kind: "activate"), kind: "activate"))
        try await c.activate(link)

        // login, verify, profile
        try await c.login(username: user, password: Self.password)
        #expect(await c.isSignedIn)
        #expect(try await c.verifyAccessToken())
        let me = try await c.profile()
        #expect(me.username == user && me.email == address && me.roles == ["librarian"] && me.canEditBooks)
        #expect(me.authSource == "local")
        let updated = try await c.updateProfile(ProfileUpdate(email: address, firstName: "Ada", lastName: "Lovelace"))
        #expect(updated.firstName == "Ada" && updated.lastName == "Lovelace")

        // books: create (ISBN-10 comes back as ISBN-13), field errors, list pages, search, filter, sort
        let dune = try await c.createBook(
            BookDraft(
                title: "Dune", author: "Frank Herbert", publishedYear: 1965,
                isAvailable: true, isbn: "0-441-17271-7", pages: 412))
        #expect(dune.isbn == "9780441172719" && dune.pages == 412 && dune.createdAt != nil)
        _ = try await c.createBook(BookDraft(title: "三体", author: "刘慈欣", publishedYear: 2008))
        _ = try await c.createBook(BookDraft(title: "Le Petit Prince", author: "Antoine de Saint-Exupéry", publishedYear: 1943))
        do {
            _ = try await c.createBook(BookDraft(title: String(repeating: "x", count: 256), author: "A", publishedYear: 99_999))
            Issue.record("an invalid book was accepted")
        } catch let e as APIError {
            #expect(!e.messages(for: "title").isEmpty && !e.messages(for: "published_year").isEmpty)
        }
        let p1 = try await c.listBooks(BookQuery(), page: 1, pageSize: 2)
        #expect(p1.count == 3 && p1.results.map(\.title) == ["Dune", "Le Petit Prince"])
        let p2 = try await c.listBooks(BookQuery(), page: 2, pageSize: 2)
        #expect(p2.results.map(\.title) == ["三体"])
        #expect(
            try await c.listBooks(BookQuery(search: "PETIT"), page: 1, pageSize: 10).results.map(\.title) == ["Le Petit Prince"])
        #expect(try await c.listBooks(BookQuery(search: "9780441172719"), page: 1, pageSize: 10).count == 1)
        #expect(try await c.listBooks(BookQuery(availableOnly: true), page: 1, pageSize: 10).results.map(\.title) == ["Dune"])
        let byYear = try await c.listBooks(BookQuery(sort: .publishedYear, descending: true), page: 1, pageSize: 10)
        #expect(byYear.results.map(\.publishedYear) == [2008, 1965, 1943])

        // one book: get, update, delete
        #expect(try await c.book(id: dune.id) == dune)
        var draft = BookDraft(dune)
        draft.title = "Dune Messiah"; draft.publishedYear = 1969; draft.isbn = nil
        let changed = try await c.updateBook(id: dune.id, draft)
        #expect(changed.title == "Dune Messiah" && changed.isbn == nil && changed.pages == 412)
        try await c.deleteBook(id: dune.id)
        do {
            _ = try await c.book(id: dune.id)
            Issue.record("a deleted book was still there")
        } catch let e as APIError {
            guard case .notFound = e else { Issue.record("expected 404, got \(e)"); return }
        }
        #expect(try await c.profile().bookCount == 2)

        // forgot password, then change it; the session carries on
        try await c.requestPasswordReset(email: address)
        let reset = try #require(LinkToken.parse(try await server.mailedLink(to: address, kind: "reset"), kind: "reset"))
        try await c.confirmPasswordReset(reset, newPassword: "another-Quiet-river-42")
        try await c.login(username: user, password: "another-Quiet-river-42")
        let before = try #require(await c.currentSession())
        try await c.changePassword(old: "another-Quiet-river-42", new: "third-Lantern-orbit-77")
        let after = try #require(await c.currentSession())
        #expect(after.refresh != before.refresh)
        #expect(try await c.profile().username == user)

        // logout: blacklisted on the server, gone here
        let out = await c.logout()
        #expect(out.revokedOnServer && out.wasSignedIn && out.problem == nil)
        #expect(await c.isSignedIn == false)
        await #expect(throws: APIError.signedOut) { try await c.profile() }
        let other = try BookClient(server: server.url, store: nil)
        await other.adopt(after)
        await #expect(throws: APIError.signedOut) { try await other.refreshNow() }

        // too many wrong passwords: 429 with a wait
        var last: APIError?
        for _ in 0..<6 {
            do { try await c.login(username: user, password: "wrong-password-000") } catch let e as APIError { last = e }
        }
        guard case .rateLimited(let wait)? = last else { Issue.record("expected 429, got \(String(describing: last))"); return }
        #expect((wait ?? 0) > 0)
    }

    @Test func expiredAccessIsRefreshedOnceForManyCallsWithRotation() async throws {
        let server = try await LiveServer(env: ["ACCESS_TOKEN_LIFETIME": "2"])
        let store = tempStore()
        let (c, user, _) = try await newUser(server, store: store)
        let first = try #require(await c.currentSession())
        try await Task.sleep(nanoseconds: 3_200_000_000)

        // five calls at once meet the expired token: one refresh serves them all
        try await withThrowingTaskGroup(of: Profile.self) { group in
            for _ in 0..<5 { group.addTask { try await c.profile() } }
            for try await p in group { #expect(p.username == user) }
        }
        let second = try #require(await c.currentSession())
        #expect(second.access != first.access && second.refresh != first.refresh)
        let stored = try #require(try store.load(server: server.url))
        #expect(stored.access == second.access && stored.refresh == second.refresh)

        // a second client on the same store takes over the session
        let again = try BookClient(server: server.url, store: store)
        #expect(try await again.profile().username == user)

        // the rotated-out refresh token is dead on the server, and replaying it (a stolen copy)
        // ends the whole sign-in: the current tokens stop working too
        let stale = try BookClient(server: server.url, store: nil)
        await stale.adopt(first)
        await #expect(throws: APIError.signedOut) { try await stale.refreshNow() }
        let fresh = try BookClient(server: server.url, store: nil)
        await fresh.adopt(second)
        await #expect(throws: APIError.signedOut) { try await fresh.refreshNow() }
    }

    @Test func tokenFileIsPrivateAndRefusedWhenOpen() async throws {
        let server = try await LiveServer()
        let store = tempStore()
        _ = try await newUser(server, store: store)
        var st = stat()
        stat(store.tokensPath, &st)
        #expect(st.st_mode & 0o777 == 0o600)
        stat(store.directory, &st)
        #expect(st.st_mode & 0o777 == 0o700)
        let text = try String(contentsOfFile: store.tokensPath, encoding: .utf8)
        #expect(text.contains(server.url.replacingOccurrences(of: "/", with: "\\/")))

        chmod(store.tokensPath, 0o640)
        #expect(throws: TokenStoreError.insecure(path: store.tokensPath, mode: 0o640)) {
            _ = try BookClient(server: server.url, store: store)
        }
        chmod(store.tokensPath, 0o600)
        let c = try BookClient(server: server.url, store: store)
        #expect(await c.isSignedIn)
        _ = await c.logout()
        #expect(try store.load(server: server.url) == nil)
    }

    @Test func logoutWithTheServerGoneStillForgetsTokens() async throws {
        let server = try await LiveServer()
        let store = tempStore()
        let (c, _, _) = try await newUser(server, store: store)
        server.stop()
        let out = await c.logout()
        #expect(out.wasSignedIn && !out.revokedOnServer)
        #expect(out.problem == "Cannot reach the server (connection refused)")
        #expect(try store.load(server: server.url) == nil)
    }
}

extension LiveServerTests {
    /// Two booktui on one host (two clients, one token file) meet the expired token together:
    /// the lock lets one refresh and the other take its rotated tokens, so neither is signed out.
    @Test func twoClientsSharingTokensRefreshOnlyOnce() async throws {
        let server = try await LiveServer(env: ["ACCESS_TOKEN_LIFETIME": "2"])
        let store = tempStore()
        let (first, user, _) = try await newUser(server, store: store)
        let second = try BookClient(server: server.url, store: store)
        try await Task.sleep(nanoseconds: 3_200_000_000)
        async let a = first.profile()
        async let b = second.profile()
        let (pa, pb) = try await (a, b)
        #expect(pa.username == user && pb.username == user)
        let sa = try #require(await first.currentSession()), sb = try #require(await second.currentSession())
        #expect(sa.refresh == sb.refresh)
        #expect(try store.load(server: server.url)?.refresh == sa.refresh)
    }
}
