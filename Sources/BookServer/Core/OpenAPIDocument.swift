import Vapor

/// The OpenAPI document served at `/api/schema/`.
enum OpenAPIDocument {
    static func response() -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: json))
    }

    static let json = #"{"openapi": "3.0.3", "info": {"title": "Books API", "version": "1.0.0"}, "paths": {}}"#
}
