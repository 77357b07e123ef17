import Vapor

/// Turns every error into a JSON answer in the seed's (Django REST framework's) shapes, and makes
/// sure nothing unexpected leaks out: an unknown error is logged and answered with a bare 500.
struct APIErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return Self.response(for: error, request: request)
        }
    }

    static func response(for error: any Error, request: Request) -> Response {
        var status = HTTPResponseStatus.internalServerError
        var headers: HTTPHeaders = [:]
        var body: [String: JSONValue]
        switch error {
        case let e as FieldErrors:
            status = .badRequest
            body = e.fields.mapValues { .array($0.map(JSONValue.string)) }
        case let e as APIError:
            status = e.status
            headers = e.headers
            body = ["detail": .string(e.detail)]
            if let code = e.code { body["code"] = .string(code) }
            if let messages = e.messages {
                body["messages"] = .array(messages.map { .object($0.mapValues(JSONValue.string)) })
            }
        case let e as any AbortError where e.status == .notFound && !allowedMethods(request).isEmpty:
            // The path exists with other methods: 405 with Allow, as Django REST framework answers.
            status = .methodNotAllowed
            headers.replaceOrAdd(name: .allow, value: allowedMethods(request).joined(separator: ", "))
            body = ["detail": .string("Method \"\(request.method.rawValue)\" not allowed.")]
        case let e as any AbortError:
            status = e.status
            headers = e.headers
            body = ["detail": .string(detail(for: e))]
        case let e as DecodingError:
            status = .badRequest
            body = ["detail": .string("JSON parse error - \(e.localizedDescription)")]
        default:
            request.logger.report(error: error)
            body = ["detail": .string("A server error occurred.")]
        }
        if status == .internalServerError, !(error is APIError) {
            request.logger.error("Unhandled error on \(request.method) \(request.url.path): \(String(reflecting: error))")
        }
        let response = Response(status: status, headers: headers)
        do {
            try response.content.encode(body, as: .json)
        } catch {
            response.body = .init(string: #"{"detail":"A server error occurred."}"#)
        }
        return response
    }

    /// The methods the routes offer for this request's path (empty when the path is unknown).
    /// Marks a route that only exists to refuse its method (405), so `Allow` leaves it out.
    static let refusedMethod = "refusedMethod"

    private static func allowedMethods(_ request: Request) -> [String] {
        let parts = request.url.path.split(separator: "/").map(String.init)
        let matching = request.application.routes.all.filter { route in
            route.path.count == parts.count
                && zip(route.path, parts).allSatisfy { component, part in
                    switch component {
                    case .constant(let value): value == part
                    case .parameter: true
                    case .anything, .catchall: true
                    }
                }
        }
        // As the router does: a constant component wins over a parameter (`books/bulk` over `books/:bookID`).
        let constants = { (route: Route) in route.path.filter { if case .constant = $0 { true } else { false } }.count }
        let best = matching.map(constants).max() ?? 0
        let methods = matching.filter { constants($0) == best && $0.userInfo[refusedMethod] == nil }.map(\.method.rawValue)
        return Array(Set(methods)).sorted()
    }

    /// Vapor's own errors (routing, body size, ...) in the words Django REST framework uses.
    private static func detail(for error: any AbortError) -> String {
        switch error.status {
        case .notFound: return "Not found."
        case .methodNotAllowed: return "Method not allowed."
        case .unsupportedMediaType: return "Unsupported media type in request."
        case .payloadTooLarge: return "Request body is too large."
        default: return error.reason
        }
    }
}
