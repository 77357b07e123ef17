import Foundation
import Testing

@testable import BookClient

#if canImport(Glibc)
import Glibc
#endif

@Suite("Token files: 0600 in a 0700 folder, refused when open")
struct TokenStoreTests {
    func tempDir() -> String {
        let d = NSTemporaryDirectory() + "booktui-tests-\(UUID().uuidString)"
        mkdir(d, 0o700)
        return d
    }

    func mode(_ path: String) -> Int {
        var st = stat()
        stat(path, &st)
        return Int(st.st_mode & 0o777)
    }

    @Test func savesPrivatelyAndLoads() throws {
        let root = tempDir()
        let store = TokenStore(directory: root + "/cfg/booktui")
        let s = StoredSession(access: "a.b.c", refresh: "d.e.f", username: "ann")
        try store.save(s, server: "http://h:1/")
        #expect(mode(store.directory) == 0o700)
        #expect(mode(store.tokensPath) == 0o600)
        #expect(try store.load(server: "http://h:1")?.refresh == "d.e.f")
        try store.remove(server: "http://h:1")
        #expect(try store.load(server: "http://h:1") == nil)
    }

    @Test func refusesAFileOthersCanRead() throws {
        let store = TokenStore(directory: tempDir() + "/booktui")
        try store.save(StoredSession(access: "a", refresh: "r", username: nil), server: "http://h")
        chmod(store.tokensPath, 0o644)
        #expect(throws: TokenStoreError.insecure(path: store.tokensPath, mode: 0o644)) {
            try store.load(server: "http://h")
        }
        let message = TokenStoreError.insecure(path: store.tokensPath, mode: 0o644).description
        #expect(message.contains("chmod 600 \(store.tokensPath)"))
    }

    @Test func refusesAnOpenFolder() throws {
        let store = TokenStore(directory: tempDir() + "/booktui")
        try store.save(StoredSession(access: "a", refresh: "r", username: nil), server: "http://h")
        chmod(store.directory, 0o755)
        #expect(throws: TokenStoreError.self) { try store.checkPermissions() }
        #expect(TokenStoreError.insecure(path: store.directory, mode: 0o755).description.contains("chmod 700"))
    }

    @Test func remembersTheLastServer() throws {
        let store = TokenStore(directory: tempDir() + "/booktui")
        #expect(store.lastServer() == nil)
        try store.setLastServer("http://books.example/")
        #expect(store.lastServer() == "http://books.example")
    }

    @Test func defaultFolderFollowsXDG() {
        #expect(TokenStore.defaultDirectory(environment: ["XDG_CONFIG_HOME": "/x/y", "HOME": "/h"]) == "/x/y/booktui")
        #expect(TokenStore.defaultDirectory(environment: ["HOME": "/h"]) == "/h/.config/booktui")
        #expect(TokenStore.defaultDirectory(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]) == "/h/.config/booktui")
    }
}
