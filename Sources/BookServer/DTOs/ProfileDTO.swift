import Foundation
import Vapor

/// The profile: the seed's fields plus `roles` and `auth_source`.
struct ProfileDTO: Content {
    var id: Int
    var username: String
    var email: String
    var first_name: String
    var last_name: String
    var date_joined: Date?
    var last_login: Date?
    var book_count: Int
    var roles: [String]
    var auth_source: String
    /// An address waiting to be confirmed from its mailbox, or null.
    var pending_email: String?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(username, forKey: .username)
        try c.encode(email, forKey: .email)
        try c.encode(first_name, forKey: .first_name)
        try c.encode(last_name, forKey: .last_name)
        try c.encode(date_joined, forKey: .date_joined)
        try c.encode(last_login, forKey: .last_login)
        try c.encode(book_count, forKey: .book_count)
        try c.encode(roles, forKey: .roles)
        try c.encode(auth_source, forKey: .auth_source)
        try c.encode(pending_email, forKey: .pending_email)
    }
}

/// What registration answers: the new, still inactive account. No id, so that the answer for an
/// address that already has an account cannot differ from a real one.
struct RegisteredUserDTO: Content {
    var username: String
    var email: String
    var is_active: Bool
    var detail: String
}
