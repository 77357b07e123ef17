import Foundation

/// Password checks in the spirit of Django's default validators: minimum length, common passwords,
/// all-numeric, and similarity to the user's own attributes.
public enum PasswordRules {
    public static let minimumLength = 8
    public static let maximumSimilarity = 0.7
    /// bcrypt reads only the first 72 bytes; a longer password would log in with any tail.
    public static let maximumBytes = 72
    public static let overlong =
        "Ensure this password has no more than \(maximumBytes) bytes (UTF-8). bcrypt ignores everything after byte \(maximumBytes), so longer passwords are refused."

    /// Every problem with `password`, in the words users of Django sites know.
    public static func problems(
        _ password: String, username: String = "", email: String = "",
        firstName: String = "", lastName: String = ""
    ) -> [String] {
        // Checked first and alone: the similarity checks below are not meant for 100 KB of text.
        if password.utf8.count > maximumBytes { return [overlong] }
        var problems: [String] = []
        if password.count < minimumLength {
            problems.append("This password is too short. It must contain at least \(minimumLength) characters.")
        }
        if CommonPasswords.set.contains(password.lowercased().trimmingCharacters(in: .whitespaces)) {
            problems.append("This password is too common.")
        }
        if !password.isEmpty, password.allSatisfy(\.isNumber) {
            problems.append("This password is entirely numeric.")
        }
        let attributes: [(String, String)] = [
            ("username", username), ("email address", email), ("first name", firstName), ("last name", lastName),
        ]
        for (name, value) in attributes where !value.isEmpty {
            if isTooSimilar(password, to: value) {
                problems.append("The password is too similar to the \(name).")
                break
            }
        }
        return problems
    }

    /// Django's rule: the password against the whole value and each word of it.
    static func isTooSimilar(_ password: String, to value: String) -> Bool {
        let p = password.lowercased()
        let v = value.lowercased()
        let parts = [v] + v.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)
        return parts.contains { part in
            guard !part.isEmpty, Double(p.count) < 10 * maximumSimilarity * Double(part.count) else { return false }
            return quickRatio(p, part) >= maximumSimilarity
        }
    }

    /// Python's `SequenceMatcher.quick_ratio`: shared characters as a share of both strings.
    static func quickRatio(_ a: String, _ b: String) -> Double {
        var counts: [Character: Int] = [:]
        for c in b { counts[c, default: 0] += 1 }
        var matches = 0
        for c in a where counts[c, default: 0] > 0 {
            counts[c]! -= 1
            matches += 1
        }
        let total = a.count + b.count
        return total == 0 ? 1 : 2 * Double(matches) / Double(total)
    }
}
