import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A real `book-server` process on SQLite, with its mailbox in a temporary folder.
/// The binary comes from `BOOK_SERVER_BIN`, else `.build/debug/book-server` in the package.
final class LiveServer {
    let url: String
    let dir: String
    let process = Process()

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["BOOK_SERVER_BIN"], !b.isEmpty { return b }
        // Tests/BookClientTests/LiveServer.swift → package root
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/book-server").path
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    init(env extra: [String: String] = [:]) async throws {
        let bin = Self.binary
        guard FileManager.default.isExecutableFile(atPath: bin) else {
            throw Missing(description: "book-server not found at \(bin): build it (swift build) or set BOOK_SERVER_BIN")
        }
        let port = Self.freePort()
        url = "http://127.0.0.1:\(port)"
        dir = NSTemporaryDirectory() + "bookclient-live-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/mail", withIntermediateDirectories: true)
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "DATABASE_URL": "sqlite:\(dir)/books.sqlite",
            "SECRET_KEY": "live-test-secret-\(UUID().uuidString)-\(UUID().uuidString)",
            "PUBLIC_URL": url, "MAIL_DIR": dir + "/mail", "PASSWORD_HASH_COST": "4", "LOG_LEVEL": "warning",
        ]
        env.merge(extra) { $1 }
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = ["serve", "--hostname", "127.0.0.1", "--port", String(port)]
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let log = FileManager.default.createFile(atPath: dir + "/server.log", contents: nil)
        if log, let fh = FileHandle(forWritingAtPath: dir + "/server.log") {
            process.standardOutput = fh
            process.standardError = fh
        }
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if !process.isRunning {
                throw Missing(
                    description:
                        "book-server exited: \((try? String(contentsOfFile: dir + "/server.log", encoding: .utf8)) ?? "")")
            }
            if let (_, r) = try? await URLSession.shared.data(from: URL(string: url + "/healthz")!),
                (r as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        stop()
        throw Missing(description: "book-server did not answer /healthz within 60 s")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// The newest link of a kind (`activate`, `reset`) mailed to `address`, waiting for it.
    func mailedLink(to address: String, kind: String) async throws -> String {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let files =
                (try? FileManager.default.contentsOfDirectory(atPath: dir + "/mail"))?.filter { $0.hasSuffix(".eml") }.sorted()
                ?? []
            for f in files.reversed() {
                guard let text = try? String(contentsOfFile: dir + "/mail/" + f, encoding: .utf8),
                    text.contains("To: \(address)")
                else { continue }
                if let r = text.range(of: "\(url)/\(kind)/[^/\\s]+/[^/\\s]+/", options: .regularExpression) {
                    return String(text[r])
                }
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw Missing(description: "no /\(kind)/ mail to \(address)")
    }

    func mailCount(to address: String) -> Int {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/mail")) ?? []
        return files.filter { f in
            (try? String(contentsOfFile: dir + "/mail/" + f, encoding: .utf8))?.contains("To: \(address)") ?? false
        }.count
    }
}
