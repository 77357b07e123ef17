import BookModel
import Yams

/// The book schemas of the OpenAPI document, made from `BookField.all`: `openapi.yaml` marks each
/// with `x-book-fields` (`output`, `write` or `patch`) and holds only what is not a field (`id`,
/// `user`, the timestamps). A field declared in BookModel appears here with its limits.
enum OpenAPIBookSchemas {
    enum Use: String { case output, write, patch }
    static let marker = "x-book-fields"

    /// `root` with every marked schema under `components/schemas` filled in.
    static func fill(_ root: Node) throws -> Node {
        try replacing(root, at: ["components", "schemas"]) { schemas in
            var result = schemas
            for (name, schema) in schemas {
                guard let mapping = schema.mapping, let marker = value(mapping, Self.marker) else { continue }
                guard let use = marker.string.flatMap(Use.init) else {
                    throw OpenAPIDocument.Unreadable(
                        description: "openapi.yaml: \(Self.marker) of \(name.string ?? "?") must be output, write or patch")
                }
                result[name] = filled(mapping, use)
            }
            return result
        }
    }

    static func filled(_ schema: Node.Mapping, _ use: Use) -> Node {
        var pairs = schema.filter { $0.key.string != marker }.map { ($0.key, $0.value) }
        var properties = value(schema, "properties")?.mapping.map { Array($0) } ?? []
        properties += BookField.all.map { (Node($0.name), Node(property($0, use))) }
        var required = value(schema, "required")?.sequence.map { Array($0) } ?? []
        required += BookField.all.filter { use == .output || (use == .write && $0.required) }.map { Node($0.name) }
        pairs.removeAll { ["properties", "required"].contains($0.0.string) }
        if !required.isEmpty { pairs.append((Node("required"), Node(required))) }
        pairs.append((Node("properties"), Node(properties.map { ($0.key, $0.value) })))
        return Node(pairs)
    }

    /// One field's schema.
    static func property(_ field: BookField, _ use: Use) -> [(Node, Node)] {
        var p: [(Node, Node)] = []
        func add(_ key: String, _ value: Node) { p.append((Node(key), value)) }
        switch field.kind {
        case .text, .lines, .isbn: add("type", "string")
        case .integer, .year: add("type", "integer")
        case .flag: add("type", "boolean")
        }
        if !field.required && field.kind != .flag { add("nullable", Node("true", Tag(.bool))) }
        if let max = field.maxLength { add("maxLength", Node(String(max), Tag(.int))) }
        if field.required && use != .output && [.text, .lines].contains(field.kind) { add("minLength", 1) }
        if field.kind == .integer, let range = field.range {
            add("minimum", Node(String(range.lowerBound), Tag(.int)))
            add("maximum", Node(String(range.upperBound), Tag(.int)))
        }
        if field.kind == .year { add("description", "A year from 0 to next year") }
        if field.kind == .isbn && use == .output { add("pattern", "^[0-9]{13}$") }
        if let note = field.note, use != .output { add("description", Node(note)) }
        return p
    }

    static func value(_ mapping: Node.Mapping, _ key: String) -> Node? {
        mapping.first { $0.key.string == key }?.value
    }

    /// `node` with the mapping at `path` replaced by what `change` makes of it.
    static func replacing(_ node: Node, at path: [String], _ change: (Node.Mapping) throws -> Node.Mapping) throws -> Node {
        guard var mapping = node.mapping else {
            throw OpenAPIDocument.Unreadable(description: "openapi.yaml: \(path.joined(separator: "/")) is not a mapping")
        }
        guard let first = path.first else { return .mapping(try change(mapping)) }
        guard let (key, child) = mapping.first(where: { $0.key.string == first }).map({ ($0.key, $0.value) }) else {
            throw OpenAPIDocument.Unreadable(description: "openapi.yaml has no \(first)")
        }
        mapping[key] = try replacing(child, at: Array(path.dropFirst()), change)
        return .mapping(mapping)
    }
}
