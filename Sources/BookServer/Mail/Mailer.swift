import Fluent
import Foundation
import Logging
import MariaDBKit
import SQLKit

/// One e-mail, ready to go.
public struct MailMessage: Sendable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    public var messageID: String
    public var date: Date

    /// The message in RFC 5322 form, lines ending in CRLF.
    public func rfc5322() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let headers = [
            "From: \(from)", "To: \(to)", "Subject: \(Self.encodeHeader(subject))",
            "Date: \(formatter.string(from: date))", "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
        ]
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        return (headers + [""] + lines).joined(separator: "\r\n") + "\r\n"
    }

    static func encodeHeader(_ s: String) -> String {
        s.allSatisfy(\.isASCII) ? s : "=?utf-8?B?" + Data(s.utf8).base64EncodedString() + "?="
    }

    /// The bare address inside `Name <address>`.
    static func address(_ s: String) -> String {
        if let open = s.lastIndex(of: "<"), let close = s.lastIndex(of: ">"), open < close {
            return String(s[s.index(after: open)..<close])
        }
        return s.trimmingCharacters(in: .whitespaces)
    }
}

/// Where mail goes: an SMTP server, or the local mailbox folder.
public protocol MailTransport: Sendable {
    func send(_ message: MailMessage) async throws
    var name: String { get }
}

/// Queues mail in the outbox table and sends it in the background, retrying with back-off, so that
/// neither a slow nor a failing mail server holds up or loses a signup. Any replica may send any
/// message; a claim in the row keeps two from sending the same one.
public final class Mailer: Sendable {
    let transport: any MailTransport
    let from: String
    let logger: Logger
    let wake: AsyncStream<Void>.Continuation
    let wakeups: AsyncStream<Void>
    /// How long a claim holds before another worker may retry the message.
    static let claimSeconds: TimeInterval = 120

    public init(transport: any MailTransport, from: String, logger: Logger) {
        self.transport = transport
        self.from = from
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func queue(to recipient: String, subject: String, body: String, on db: any Database) async throws {
        try await OutboxMessage(recipient: recipient, subject: subject, body: body).create(on: db)
        wake.yield()
    }

    /// Runs until cancelled: sends what is due whenever a message is queued, and every two seconds
    /// for retries and for messages another replica left behind.
    public func run(db: @escaping @Sendable () -> any Database) async {
        logger.info("mail worker started, sending through \(transport.name)")
        let ticker = Task { [wake] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                wake.yield()
            }
        }
        defer { ticker.cancel() }
        wake.yield()
        for await _ in wakeups {
            if Task.isCancelled { break }
            do {
                try await sendDue(on: db())
            } catch {
                logger.warning("mail worker: \(String(describing: error))")
            }
        }
    }

    /// Sends every message that is due and not claimed by another worker.
    public func sendDue(on db: any Database) async throws {
        let now = Date()
        let due = try await OutboxMessage.query(on: db)
            .filter(\.$sentAt == nil).filter(\.$nextAttemptAt <= now)
            .group(.or) { $0.filter(\.$claimedUntil == nil).filter(\.$claimedUntil < now) }
            .sort(\.$id).range(0..<20).all()
        for message in due where try await claim(message, db: db, now: now) {
            await deliver(message, db: db)
        }
    }

    private func claim(_ message: OutboxMessage, db: any Database, now: Date) async throws -> Bool {
        let sql = db as! any SQLDatabase
        let update = sql.update(OutboxMessage.schema)
            .set("claimed_until", to: SQLBind(now.addingTimeInterval(Self.claimSeconds)))
            .where("id", .equal, SQLBind(message.id!))
            .where("sent_at", .is, SQLLiteral.null)
            .where { $0.where("claimed_until", .is, SQLLiteral.null).orWhere("claimed_until", .lessThan, SQLBind(now)) }
        if let mysql = db as? FluentMariaDBDatabase {
            // No RETURNING on MySQL: the statement's count of changed rows says whether it was ours.
            return try await mysql.run(update.query) { _ in }.affectedRows > 0
        }
        return try await !update.returning("id").all().isEmpty
    }

    private func deliver(_ message: OutboxMessage, db: any Database) async {
        let mail = MailMessage(
            from: from, to: message.recipient, subject: message.subject, body: message.body,
            messageID: "outbox-\(message.id!)-\(UUID().uuidString.lowercased())@book-server", date: Date())
        message.attempts += 1
        do {
            try await transport.send(mail)
            message.sentAt = Date()
            message.lastError = nil
            logger.info("mail \(message.id!) sent (\(message.subject))")
        } catch {
            // Back off: 5 s, 10 s, 20 s, ... up to an hour; the message is kept whatever happens.
            let delay = min(3600, 5 * pow(2, Double(min(message.attempts - 1, 10))))
            message.nextAttemptAt = Date().addingTimeInterval(delay)
            message.lastError = String(describing: error).prefix(500).description
            logger.warning("mail \(message.id!) not sent (attempt \(message.attempts)), retrying in \(Int(delay)) s: \(error)")
        }
        message.claimedUntil = nil
        do { try await message.save(on: db) } catch { logger.error("mail \(message.id!): could not record outcome: \(error)") }
    }
}

/// The local mailbox: each message becomes an `.eml` file in a folder.
public struct FileMailbox: MailTransport {
    public let directory: String
    public var name: String { "the local mailbox at \(directory)" }

    public init(directory: String) { self.directory = directory }

    public func send(_ message: MailMessage) async throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = String(format: "%.6f", message.date.timeIntervalSince1970)
        let base = "\(directory)/\(stamp)-\(message.messageID.prefix(while: { $0 != "@" }))"
        // Written under a temporary name and renamed, so a reader never sees half a message.
        try Data(message.rfc5322().utf8).write(to: URL(fileURLWithPath: base + ".tmp"))
        try fm.moveItem(atPath: base + ".tmp", toPath: base + ".eml")
    }
}
