import Vapor

/// Headers every answer carries: no MIME sniffing, no caching unless a route chose its own
/// `Cache-Control` (answers carry tokens and private catalogues), and no framing. The HTML pages
/// add their own Content-Security-Policy (see `WebController`).
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers = SecurityHeaders.everyResponse
        for (name, value) in headers where !response.headers.contains(name: name) {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        return response
    }
}

enum SecurityHeaders {
    static let everyResponse: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "no-store"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
        ("Referrer-Policy", "no-referrer"),
    ]

    /// The pages opened from mails: their inline style, a form that posts back, nothing else.
    static let htmlPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        + "base-uri 'none'; frame-ancestors 'none'"
}
