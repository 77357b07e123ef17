import BookClient

extension Field {
    /// A new password, checked as it is typed against the server's rules (BookModel's
    /// `PasswordRules`) that need nothing but the password itself; the rest the server says.
    static func newPassword(_ name: String, _ label: String) -> Field {
        Field(name, label, masked: true) { v in
            if v.isEmpty { return nil }
            if v.count < PasswordRules.minimumLength { return "at least \(PasswordRules.minimumLength) characters" }
            return v.utf8.count > PasswordRules.maximumBytes ? "at most \(PasswordRules.maximumBytes) bytes" : nil
        }
    }
}
