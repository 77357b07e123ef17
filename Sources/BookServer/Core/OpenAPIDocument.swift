import Foundation
import NIOCore
import Vapor
import Yams

/// The OpenAPI document served at `/api/schema/`: `Resources/openapi.yaml` with the book schemas
/// made from `BookField.all` (`OpenAPIBookSchemas`), written once as JSON (in the YAML's order)
/// when the server starts. The test suite holds the server to it.
enum OpenAPIDocument {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// The YAML text as shipped in the bundle.
    static func yaml() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw Unreadable(description: "openapi.yaml is missing from book-server's resources")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The document as JSON bytes.
    static func json() throws -> ByteBuffer {
        guard let yaml = try Yams.compose(yaml: try yaml()) else { throw Unreadable(description: "openapi.yaml is empty") }
        let root = try OpenAPIBookSchemas.fill(yaml)
        var writer = JSONWriter(capacity: 64 * 1024)
        try write(root, to: &writer)
        return writer.buffer
    }

    private static func write(_ node: Node, to json: inout JSONWriter) throws {
        switch node {
        case .scalar(let scalar):
            switch node.tag.rawValue {  // as YAML resolved it: '200' stays text
            case Tag.Name.null.rawValue: json.null()
            case Tag.Name.bool.rawValue: json.bool(node.bool ?? false)
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue: json.number(scalar.string)
            default: json.string(scalar.string)
            }
        case .mapping(let mapping):
            json.beginObject()
            for (key, value) in mapping {
                guard let name = key.string else {
                    throw Unreadable(description: "openapi.yaml: a key that is not text at line \(key.mark?.line ?? 0)")
                }
                json.key(name)
                try write(value, to: &json)
            }
            json.endObject()
        case .sequence(let sequence):
            json.beginArray()
            for value in sequence {
                json.element()
                try write(value, to: &json)
            }
            json.endArray()
        case .alias:
            throw Unreadable(description: "openapi.yaml: use $ref, not YAML aliases (line \(node.mark?.line ?? 0))")
        }
    }

    /// The route's handler: the bytes made at start-up.
    static func responder(_ document: ByteBuffer) -> @Sendable (Request) -> Response {
        { _ in
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(buffer: document))
        }
    }
}
