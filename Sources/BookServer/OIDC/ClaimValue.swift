import Foundation

/// Any JSON value in a token or userinfo answer, so that claims at a configured path
/// (`OIDC_ROLES_CLAIM`) can be read whatever a provider names or nests them.
public indirect enum ClaimValue: Codable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([ClaimValue])
    case object([String: ClaimValue])
    case null

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([ClaimValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: ClaimValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let n): try c.encode(n)
        case .bool(let b): try c.encode(b)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        case .null: try c.encodeNil()
        }
    }

    /// The value at a dotted path such as `resource_access.booktui.roles`; nil when any step is missing.
    public static func lookup(_ path: String, in claims: [String: ClaimValue]) -> ClaimValue? {
        var steps = path.split(separator: ".").map(String.init)
        guard !steps.isEmpty else { return nil }
        var current = claims[steps.removeFirst()]
        for step in steps {
            guard case .object(let inner)? = current else { return nil }
            current = inner[step]
        }
        return current
    }

    /// The strings of a claim: an array's strings, or a string split at spaces and commas (some
    /// providers send `"roles": "admin librarian"`).
    public var strings: [String] {
        switch self {
        case .string(let s): s.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        case .array(let a): a.compactMap(\.string)
        default: []
        }
    }

    public var string: String? {
        if case .string(let s) = self { s } else { nil }
    }
}
