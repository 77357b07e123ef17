import Foundation
import Vapor

/// The profile: the seed's fields plus `roles` and `auth_source`.
struct ProfileDTO: Content {
    var id: Int
    var username: String
    var email: String
    var first_name: String
    var last_name: String
    @NullEncodable var date_joined: Date?
    @NullEncodable var last_login: Date?
    var book_count: Int
    var roles: [String]
    var auth_source: String
    /// An address waiting to be confirmed from its mailbox, or null.
    @NullEncodable var pending_email: String?

}

/// What registration answers: the new, still inactive account. No id, so that the answer for an
/// address that already has an account cannot differ from a real one.
struct RegisteredUserDTO: Content {
    var username: String
    var email: String
    var is_active: Bool
    var detail: String
}
