import BookModel

extension PasswordRules {
    /// Refuses a password over `maximumBytes` before any hashing (login, password checks).
    static func refuseOverlong(_ password: String, field: String) throws {
        if password.utf8.count > maximumBytes { throw FieldErrors(field, overlong) }
    }
}
