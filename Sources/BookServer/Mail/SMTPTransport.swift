import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PlainEmail

/// Sends mail to an SMTP relay (Brevo: `smtp-relay.brevo.com:587` with STARTTLS and a login).
///
/// No SMTP library is among the packages this project can use, so this is a small client over
/// SwiftNIO and NIOSSL: one connection per message, `EHLO`, `STARTTLS` or implicit TLS,
/// `AUTH PLAIN`, `MAIL`/`RCPT`/`DATA`, `QUIT`. The whole conversation has a deadline, after which
/// the connection is closed and the message is retried later.
public struct SMTPTransport: MailTransport {
    public let settings: AppConfig.SMTP
    public let caFile: String?
    public let group: any EventLoopGroup
    public var timeout: TimeAmount = .seconds(30)
    public var name: String { "SMTP at \(settings.host):\(settings.port) (\(settings.security.rawValue))" }

    public init(settings: AppConfig.SMTP, caFile: String?, group: any EventLoopGroup) {
        self.settings = settings
        self.caFile = caFile
        self.group = group
    }

    public func send(_ message: MailMessage) async throws {
        // Only a plain address goes into RCPT: never the inside of `Name <x@y>` or a list.
        guard PlainEmail.isValid(message.to) else { throw SMTPError.notAnAddress(message.to) }
        var message = message
        message.to = PlainEmail.asciiAddress(message.to)  // an IDN domain in its xn-- form
        let (responses, continuation) = AsyncStream.makeStream(of: SMTPReply.self)
        let implicitTLS = settings.security == .tls
        let tlsContext = try makeTLSContext()
        let host = settings.host
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tlsContext, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    try channel.pipeline.syncOperations.addHandler(SMTPReplyForwarder(continuation))
                }
            }
            .connect(host: settings.host, port: settings.port).get()
        defer { channel.close(promise: nil) }
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer { deadline.cancel() }

        var replies = responses.makeAsyncIterator()
        func expect(_ codes: Set<Int>, after command: String?) async throws -> SMTPReply {
            if let command {
                try await channel.writeAndFlush(ByteBuffer(string: command + "\r\n")).get()
            }
            guard let reply = await replies.next() else { throw SMTPError.closed(after: Self.redact(command)) }
            guard codes.contains(reply.code) else { throw SMTPError.refused(command: Self.redact(command), reply: reply) }
            return reply
        }

        _ = try await expect([220], after: nil)
        var ehlo = try await expect([250], after: "EHLO book-server")
        if settings.security == .starttls {
            guard ehlo.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                throw SMTPError.noStartTLS
            }
            _ = try await expect([220], after: "STARTTLS")
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: tlsContext, serverHostname: host), position: .first)
            }.get()
            ehlo = try await expect([250], after: "EHLO book-server")
        }
        if let username = settings.username, let password = settings.password {
            let token = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
            _ = try await expect([235], after: "AUTH PLAIN \(token)")
        }
        _ = try await expect([250], after: "MAIL FROM:<\(MailMessage.address(message.from))>")
        _ = try await expect([250, 251], after: "RCPT TO:<\(message.to)>")
        _ = try await expect([354], after: "DATA")
        // Dot-stuffing: a line starting with "." gets another one.
        let data = message.rfc5322().replacingOccurrences(of: "\r\n.", with: "\r\n..")
        _ = try await expect([250], after: data + ".")
        _ = try? await expect([221], after: "QUIT")
    }

    private func makeTLSContext() throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.trustRoots = .file(caFile) }
        return try NIOSSLContext(configuration: tls)
    }

    /// Commands as they may appear in logs: never the credentials.
    static func redact(_ command: String?) -> String {
        guard let command else { return "connect" }
        if command.hasPrefix("AUTH") { return "AUTH" }
        if command.count > 60 { return "message data" }
        return command
    }
}

public struct SMTPReply: Sendable, CustomStringConvertible {
    public var code: Int
    public var lines: [String]
    public var description: String { "\(code) \(lines.joined(separator: " / "))" }
}

public enum SMTPError: Error, CustomStringConvertible {
    case closed(after: String)
    case refused(command: String, reply: SMTPReply)
    case noStartTLS
    case notAnAddress(String)

    public var description: String {
        switch self {
        case .closed(let command): "the mail server closed the connection (or did not answer in time) after \(command)"
        case .refused(let command, let reply): "the mail server refused \(command): \(reply)"
        case .noStartTLS: "the mail server does not offer STARTTLS; set SMTP_SECURITY=tls or none"
        case .notAnAddress: "the recipient is not a plain local@domain address; not sent"
        }
    }
}

/// Splits the byte stream into replies, joining multi-line ones (`250-...` up to `250 ...`).
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    var pending: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let length = newline - buffer.readerIndex + 1
        var line = buffer.readString(length: length) ?? ""
        while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
        guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPError.closed(after: "a garbled reply") }
        let rest = line.count > 4 ? String(line.dropFirst(4)) : ""
        pending.append(rest)
        if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { return .continue }
        context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: pending)))
        pending = []
        return .continue
    }
}

/// Hands decoded replies to the async code that drives the conversation.
final class SMTPReplyForwarder: ChannelInboundHandler, Sendable {
    typealias InboundIn = SMTPReply
    let continuation: AsyncStream<SMTPReply>.Continuation

    init(_ continuation: AsyncStream<SMTPReply>.Continuation) { self.continuation = continuation }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish()
        context.close(promise: nil)
    }
}
