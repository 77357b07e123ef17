import Foundation

/// Field name → messages, as the server reports validation errors (`detail` and
/// `non_field_errors` are kept under their own names).
public typealias FieldErrors = [String: [String]]

/// Every way a call can fail, distinct so screens can say the right thing.
public enum APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 400 with per-field messages.
    case validation(FieldErrors)
    /// 401 on a login, or a token the server will not take.
    case unauthorized(String)
    /// The stored session is gone (no tokens, or the refresh token was refused).
    case signedOut
    case forbidden(String)
    case notFound(String)
    /// 429; seconds to wait if the server said.
    case rateLimited(retryAfter: Int?)
    case http(status: Int, message: String)
    case timeout
    case unreachable(String)
    case cancelled
    case badResponse(String)
    /// Single sign-on failed: the provider refused, the ID token did not check out, the user
    /// denied, the code expired.
    case sso(String)

    public var description: String {
        switch self {
        case .validation(let f):
            return f.keys.sorted().map { "\($0): \(f[$0]!.joined(separator: " "))" }.joined(separator: "; ")
        case .unauthorized(let m): return m.isEmpty ? "Not authorized" : m
        case .signedOut: return "Signed out: please log in again"
        case .forbidden(let m): return m.isEmpty ? "Not allowed" : m
        case .notFound(let m): return m.isEmpty ? "Not found" : m
        case .rateLimited(let s): return "Too many attempts" + (s.map { ", try again in \($0) s" } ?? ", try again later")
        case .http(let s, let m): return "Server error \(s)" + (m.isEmpty ? "" : ": \(m)")
        case .timeout: return "The server did not answer in time"
        case .unreachable(let m): return "Cannot reach the server (\(m))"
        case .cancelled: return "Cancelled"
        case .badResponse(let m): return "Unexpected answer from the server: \(m)"
        case .sso(let m): return m
        }
    }

    /// Why the server could not be reached (nothing came back, or not in time); nil for an answer.
    public var unreachableReason: String? {
        switch self {
        case .unreachable(let m): m
        case .timeout: "no answer in time"
        default: nil
        }
    }

    /// Messages for one field, if this is a validation error.
    public func messages(for field: String) -> [String] {
        if case .validation(let f) = self { return f[field] ?? [] }
        return []
    }
}
