import Fluent
import Foundation

/// One mail asked for by an anonymous or mail-sending endpoint (activation resend, password reset,
/// e-mail change, registration notice), counted per recipient and per client address to stop mail
/// bombing through our relay account.
public final class MailRequest: Model, @unchecked Sendable {
    public static let schema = "mail_requests"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "recipient") public var recipient: String
    @Field(key: "client") public var client: String
    @Field(key: "requested_at") public var requestedAt: Date

    public init() {}
    public init(recipient: String, client: String, requestedAt: Date) {
        self.recipient = recipient
        self.client = client
        self.requestedAt = requestedAt
    }
}
