import Foundation

/// The uid and token of an activation or password-reset link.
public struct LinkToken: Sendable, Equatable {
    public var uid: String
    public var token: String
    public init(uid: String, token: String) { self.uid = uid; self.token = token }

    /// Accepts what a user pastes: the whole link (`https://host/activate/<uid>/<token>/`), the
    /// path alone, or `<uid>/<token>`. Surrounding spaces, quotes and angle brackets are ignored.
    public static func parse(_ text: String, kind: String) -> LinkToken? {
        var s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        s = s.trimmingCharacters(in: CharacterSet(charactersIn: "<>\"'"))
        if let r = s.range(of: "/\(kind)/") {
            s = String(s[r.upperBound...])
        } else if let r = s.range(of: "://") {
            // A link of another kind: take the last two path parts.
            s = String(s[r.upperBound...])
            let parts = s.split(separator: "/")
            guard parts.count >= 3 else { return nil }
            s = parts.suffix(2).joined(separator: "/")
        }
        if let q = s.firstIndex(where: { $0 == "?" || $0 == "#" }) { s = String(s[..<q]) }
        let parts = s.split(separator: "/").map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return LinkToken(uid: parts[0], token: parts[1])
    }
}
