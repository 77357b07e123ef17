import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-request HTTP listener on `127.0.0.1:<free port>` for the browser's redirect back.
///
/// Foundation has no HTTP server and the client must stay free of Vapor; one GET is all there is
/// to serve, so a few POSIX calls do it. Only 127.0.0.1 is bound (never 0.0.0.0), the port is the
/// kernel's choice, and anything but `GET /callback` gets a 404 without ending the wait (browsers
/// ask for `/favicon.ico` too).
public final class LoopbackListener: @unchecked Sendable {
    public let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var closed = false
    private var cancelled = false

    /// - Parameter port: a fixed port, for providers that accept only the exact redirect URIs
    ///   registered with them; 0 (the default) lets the system pick a free one.
    /// - Throws: `APIError.sso` when no socket can be bound.
    public init(port wanted: UInt16 = 0) throws {
        #if canImport(Glibc)
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let s = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard s >= 0 else {
            throw APIError.sso("Cannot open a socket for the browser's answer: \(String(cString: strerror(errno)))")
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = wanted.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Bool in
                bind(s, p, len) == 0 && listen(s, 8) == 0 && getsockname(s, p, &len) == 0
            }
        }
        guard bound else {
            let why = String(cString: strerror(errno))
            sysClose(s)
            let which = wanted == 0 ? "127.0.0.1" : "127.0.0.1:\(wanted)"
            throw APIError.sso("Cannot listen on \(which) for the browser's answer: \(why)")
        }
        fd = s
        port = UInt16(bigEndian: addr.sin_port)
    }

    deinit { close() }

    public var redirectURI: String { "http://127.0.0.1:\(port)/callback" }

    public func close() {
        lock.lock(); defer { lock.unlock() }
        if !closed { closed = true; sysClose(fd) }
    }

    /// Makes a waiting `waitForCallback` give up (with `APIError.cancelled`).
    public func cancel() { lock.lock(); cancelled = true; lock.unlock() }

    private var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled || closed }

    /// Blocks until the browser asks for `/callback`; answers it with the page `respond` makes
    /// from the request target (path and query), and returns that target. A callback that
    /// `respond` does not accept (`done` false: another sign-in's `state`, say, from some other
    /// local process) is answered and the wait goes on, so it cannot end this sign-in.
    /// - Throws: `APIError.sso` on timeout, `APIError.cancelled` after `cancel()`.
    public func waitForCallback(
        timeout: TimeInterval,
        respond: (String) -> (status: Int, html: String, done: Bool)
    ) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if isCancelled { throw APIError.cancelled }
            if Date() > deadline {
                throw APIError.sso(
                    "No answer from the browser within \(Int(timeout)) s. Try the device code (--device) or paste (--paste) instead."
                )
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let n = poll(&p, 1, 200)
            if n <= 0 { continue }
            let c = accept(fd, nil, nil)
            if c < 0 { continue }
            defer { sysClose(c) }
            guard let target = readRequestTarget(c) else { continue }
            if target.hasPrefix("/callback") {
                let (status, html, done) = respond(target)
                reply(c, status: status, html: html)
                if done { return target }
                continue
            }
            reply(c, status: 404, html: "<p>Not here.</p>")
        }
    }

    /// The target of `GET <target> HTTP/1.1`, read within a few seconds, or nil.
    private func readRequestTarget(_ c: Int32) -> String? {
        let size = 8192
        var buf = [UInt8](repeating: 0, count: size)
        var got = 0
        let until = Date().addingTimeInterval(5)
        while got < size && Date() < until {
            var p = pollfd(fd: c, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 200) <= 0 { continue }
            let offset = got
            let n = buf.withUnsafeMutableBytes { read(c, $0.baseAddress! + offset, size - offset) }
            if n <= 0 { break }
            got += n
            if let text = String(bytes: buf[0..<got], encoding: .utf8), text.contains("\r\n") { break }
        }
        guard let text = String(bytes: buf[0..<got], encoding: .utf8),
            let first = text.split(separator: "\r\n", maxSplits: 1).first
        else { return nil }
        let words = first.split(separator: " ")
        guard words.count >= 2, words[0] == "GET" else { return nil }
        return String(words[1])
    }

    private func reply(_ c: Int32, status: Int, html: String) {
        let body = Data(
            ("<!doctype html><html><head><meta charset=\"utf-8\"><title>booktui</title></head><body>"
                + html + "</body></html>").utf8)
        let reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request"
        let head =
            "HTTP/1.1 \(status) \(reason)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(body.count)\r\n"
            + "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        let data = Data(head.utf8) + body
        data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(c, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { return }
                off += n
            }
        }
    }
}

/// `close(2)`, named apart from `LoopbackListener.close()`.
private func sysClose(_ fd: Int32) { _ = close(fd) }
