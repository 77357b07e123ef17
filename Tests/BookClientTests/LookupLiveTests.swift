import Foundation
import Testing

@testable import BookClient

#if canImport(Glibc)
import Glibc
#endif

/// `lookupISBN` against a real `book-server` whose Open Library is a local stand-in answering the
/// Books API's shape (openlibrary.org cannot be reached from the tests).
@Suite("BookClient ISBN lookup against a real book-server", .serialized)
struct LookupLiveTests {
    static let dune = #"""
        {"ISBN:9780441172719": {"title": "Dune", "authors": [{"name": "Frank Herbert", "url": "https://openlibrary.org/authors/OL79034A"}],
         "publishers": [{"name": "Ace Books"}], "publish_date": "September 1990", "number_of_pages": 535,
         "subjects": [{"name": "Science fiction", "url": "https://openlibrary.org/subjects/science_fiction"}]}}
        """#

    @Test func lookupFillsADraftAndSaysWhyItCannot() async throws {
        let stub = try JSONStub(body: Self.dune)
        let server = try await LiveServer(env: [
            "ISBN_SOURCES": "openlibrary", "OPENLIBRARY_URL": stub.url, "LOOKUP_TIMEOUT": "2",
        ])
        let (c, _, _) = try await LiveServerTests().newUser(server)

        let found = try await c.lookupISBN("0-441-17271-7")
        #expect(
            found
                == .found(
                    LookupDraft(
                        isbn: "9780441172719", title: "Dune", authors: ["Frank Herbert"],
                        author: "Frank Herbert", publisher: "Ace Books", publishedYear: 1990, pages: 535,
                        subjects: ["Science fiction"], source: "openlibrary")))
        do {
            _ = try await c.lookupISBN("0-441-17271-8")
            Issue.record("a wrong check digit was looked up")
        } catch let e as APIError {
            #expect(e.messages(for: "isbn") == ["This ISBN's check digit is wrong; check for a typo."])
        }
        #expect(try await c.lookupISBN("978 5 8000 0002 3") == .notFound)

        // Open Library gone: a new ISBN says the sources are down, naming them; the one looked up
        // before comes from the cache.
        stub.stop()
        guard case .sourcesDown(let why) = try await c.lookupISBN("9780060853976") else {
            Issue.record("a lookup with every source down did not say so"); return
        }
        #expect(why.contains("openlibrary"))
        guard case .found(let cached) = try await c.lookupISBN("9780441172719") else {
            Issue.record("the cached lookup was not found"); return
        }
        #expect(cached.title == "Dune")
    }
}

/// A tiny HTTP server on loopback that answers every request with one JSON body, on its own thread.
final class JSONStub: @unchecked Sendable {
    let url: String
    private let fd: Int32
    private let lock = NSLock()
    private var stopped = false

    init(body: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else { throw LiveServer.Missing(description: "the stub could not listen") }
        url = "http://127.0.0.1:\(UInt16(bigEndian: addr.sin_port))"
        let payload = Array(body.utf8)
        let listening = fd
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listening, nil, nil)
                if client < 0 { return }
                var request = [UInt8]()
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !request.suffix(4).elementsEqual([13, 10, 13, 10]) {
                    let n = read(client, &buffer, buffer.count)
                    if n <= 0 { break }
                    request += buffer[0..<n]
                }
                let head =
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
                let answer = Array(head.utf8) + payload
                _ = answer.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                close(client)
                if lock.withLock({ stopped }) { return }
            }
        }
    }

    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    deinit { stop() }
}
