import Fluent

/// A role held by a local user (`librarian`, ...). OIDC users' roles come from their tokens instead.
public final class UserRole: Model, @unchecked Sendable {
    public static let schema = "user_roles"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Parent(key: "user_id") public var user: User
    @Field(key: "role") public var role: String

    public init() {}
    public init(userID: Int, role: String) {
        self.$user.id = userID
        self.role = role
    }
}
