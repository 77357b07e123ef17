import Foundation
import Vapor

/// Any JSON value, used where input has to be checked field by field before it has a type.
public enum JSONValue: Codable, Sendable, Equatable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

extension Request {
    /// The body as a JSON object (or form fields), with DRF's answers for anything else.
    func inputObject() throws -> [String: JSONValue] {
        guard let buffer = body.data, buffer.readableBytes > 0 else { return [:] }
        if headers.contentType == .urlEncodedForm {
            let fields = try content.decode([String: String].self, as: .urlEncodedForm)
            return fields.mapValues(JSONValue.string)
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer))
        } catch {
            throw APIError(.badRequest, "JSON parse error - the body is not valid JSON.")
        }
        guard case .object(let object) = value else {
            var errors = FieldErrors()
            errors.add("non_field_errors", "Invalid data. Expected a dictionary, but got \(value.typeName).")
            throw errors
        }
        return object
    }
}

extension JSONValue {
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .array: "list"
        case .object: "dict"
        }
    }
}
