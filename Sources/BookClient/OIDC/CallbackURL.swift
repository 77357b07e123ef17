import Foundation

/// The query of the redirect the provider sends the browser to, checked against what we sent.
public enum CallbackURL {
    /// The authorization code from a callback URL (or just its query), after checking `state`.
    ///
    /// - Throws: `APIError.sso` when the provider reported an error, the state does not match
    ///   (a different sign-in, or someone else's link), or there is no code.
    public static func code(from text: String, expectedState: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw APIError.sso("Paste the address the browser landed on.") }
        let query: String
        if let q = trimmed.firstIndex(of: "?") {
            query = String(trimmed[trimmed.index(after: q)...])
        } else if trimmed.contains("=") {
            query = trimmed
        } else {
            throw APIError.sso("That is not the address the browser landed on: it has no ?code=…&state=…")
        }
        // Parsed by hand: a pasted text may hold anything, and URLComponents traps on some of it.
        var items: [String: String] = [:]
        let beforeFragment = query.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        for pair in beforeFragment.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let name = decode(kv[0])
            if items[name] == nil { items[name] = kv.count > 1 ? decode(kv[1]) : "" }
        }
        if let error = items["error"] {
            let detail = items["error_description"].map { ": \($0)" } ?? ""
            throw APIError.sso(
                error == "access_denied"
                    ? "Sign-in was cancelled in the browser\(detail)."
                    : "The provider refused the sign-in (\(error)\(detail)).")
        }
        guard let state = items["state"] else { throw APIError.sso("The address has no state: paste the whole address.") }
        guard state == expectedState else {
            throw APIError.sso("The address belongs to another sign-in (its state does not match): start again.")
        }
        guard let code = items["code"], !code.isEmpty else {
            throw APIError.sso("The address has no code: paste the whole address.")
        }
        return code
    }
}
