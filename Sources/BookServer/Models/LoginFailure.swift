import Fluent
import Foundation

/// One failed password login, counted per username and client address to slow guessing.
public final class LoginFailure: Model, @unchecked Sendable {
    public static let schema = "login_failures"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "username") public var username: String
    @Field(key: "address") public var address: String
    @Field(key: "failed_at") public var failedAt: Date

    public init() {}
    public init(username: String, address: String, failedAt: Date) {
        self.username = username
        self.address = address
        self.failedAt = failedAt
    }
}
