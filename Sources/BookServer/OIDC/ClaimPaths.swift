import Foundation

/// Claims read at a configured path (`OIDC_ROLES_CLAIM`), whatever a provider names or nests them.
extension JSONValue {
    /// The value at a dotted path such as `resource_access.booktui.roles`; nil when any step is missing.
    public static func lookup(_ path: String, in claims: [String: JSONValue]) -> JSONValue? {
        var steps = path.split(separator: ".").map(String.init)
        guard !steps.isEmpty else { return nil }
        var current = claims[steps.removeFirst()]
        for step in steps {
            guard case .object(let inner)? = current else { return nil }
            current = inner[step]
        }
        return current
    }

    /// The strings of a claim: an array's strings, or a string split at spaces and commas (glewlwyd
    /// sends `"roles": "librarian,staff"`).
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
