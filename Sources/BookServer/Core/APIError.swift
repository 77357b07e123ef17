import Vapor

/// An error answered in Django REST framework's shape: `{"detail": ..., "code": ...}` plus extras.
public struct APIError: AbortError, Sendable {
    public var status: HTTPResponseStatus
    public var detail: String
    public var code: String?
    public var messages: [[String: String]]?
    public var headers: HTTPHeaders = [:]
    public var reason: String { detail }

    public init(
        _ status: HTTPResponseStatus, _ detail: String, code: String? = nil,
        messages: [[String: String]]? = nil, headers: HTTPHeaders = [:]
    ) {
        self.status = status
        self.detail = detail
        self.code = code
        self.messages = messages
        self.headers = headers
    }

    public static let notAuthenticated = APIError(
        .unauthorized, "Authentication credentials were not provided.",
        headers: ["WWW-Authenticate": #"Bearer realm="api""#])

    /// What simplejwt answers for an access token it cannot accept.
    public static func invalidAccessToken(_ message: String = "Token is invalid or expired") -> APIError {
        APIError(
            .unauthorized, "Given token not valid for any token type", code: "token_not_valid",
            messages: [["token_class": "AccessToken", "token_type": "access", "message": message]],
            headers: ["WWW-Authenticate": #"Bearer realm="api""#])
    }

    public static func invalidToken(_ detail: String = "Token is invalid or expired") -> APIError {
        APIError(.unauthorized, detail, code: "token_not_valid")
    }

    public static let notFound = APIError(.notFound, "No Book matches the given query.")

    public static func forbidden(_ detail: String) -> APIError { APIError(.forbidden, detail) }

    public static func throttled(retryAfter seconds: Int) -> APIError {
        APIError(
            .tooManyRequests, "Request was throttled. Expected available in \(seconds) seconds.",
            headers: ["Retry-After": String(seconds)])
    }
}

/// Field-level validation errors: `400 {"field": ["message", ...]}`, every field at once.
public struct FieldErrors: Error, Sendable {
    public private(set) var fields: [String: [String]] = [:]

    public init() {}
    public init(_ field: String, _ message: String) { add(field, message) }

    public var isEmpty: Bool { fields.isEmpty }
    public mutating func add(_ field: String, _ message: String) { fields[field, default: []].append(message) }

    /// Throws itself when any field has an error.
    public func throwIfAny() throws { if !isEmpty { throw self } }
}
