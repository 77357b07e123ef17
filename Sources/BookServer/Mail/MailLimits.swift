import Fluent
import Foundation
import Logging

/// Limits on the mail anyone can make us send (activation resend, password reset, e-mail change,
/// the notice to an address someone tried to register again): at most `perAddress` mails to one
/// address, and mails to at most `perClient` different addresses asked for from one client address,
/// within `window`. The endpoints
/// answer the same either way; a refused mail is only logged.
enum MailLimits {
    static let perAddress = 3
    static let perClient = 20
    static let window: TimeInterval = 15 * 60

    /// Whether one more `kind` mail to `recipient` is allowed; if so it is counted. Check and count
    /// are one atomic step across replicas (`CounterLock`), so parallel requests cannot overshoot.
    static func allow(
        _ kind: String, to recipient: String, from client: String,
        on db: any Database, logger: Logger
    ) async throws -> Bool {
        let address = recipient.lowercased()
        return try await CounterLock.withLock("mail-limits", on: db) { db in
            let since = Date().addingTimeInterval(-window)
            let toAddress = try await MailRequest.query(on: db)
                .filter(\.$recipient == address).filter(\.$requestedAt > since).count()
            if toAddress >= perAddress {
                logger.notice(
                    "mail limit: not sending the \(kind) mail to \(masked(address)): \(perAddress) mails to one address per \(Int(window / 60)) minutes"
                )
                return false
            }
            // Per client, distinct addresses count: repeats to one address are the limit above.
            let addresses = Set(
                try await MailRequest.query(on: db)
                    .filter(\.$client == client).filter(\.$requestedAt > since).all(\.$recipient))
            if !addresses.contains(address), addresses.count >= perClient {
                logger.notice(
                    "mail limit: not sending the \(kind) mail asked for by \(client): \(perClient) addresses per client address per \(Int(window / 60)) minutes"
                )
                return false
            }
            try await MailRequest(recipient: address, client: client, requestedAt: Date()).create(on: db)
            try await MailRequest.query(on: db).filter(\.$requestedAt < since).delete()
            return true
        }
    }

    /// `j***@example.org`: enough for an operator to match a complaint, not a list of addresses.
    static func masked(_ address: String) -> String {
        guard let at = address.firstIndex(of: "@"), at > address.startIndex else { return "***" }
        return String(address[address.startIndex]) + "***" + address[at...]
    }
}
