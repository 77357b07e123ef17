import Foundation

/// One place to look an ISBN up, as `ISBN_SOURCES` names it.
public enum LookupSource: Sendable, Equatable, CustomStringConvertible {
    /// Open Library's Books API.
    case openLibrary
    /// A library catalogue over Z39.50: `z3950:HOST:PORT/DATABASE`.
    case z3950(host: String, port: Int, database: String)
    /// A library catalogue over SRU: `sru:URL`.
    case sru(url: String)

    /// The source as written in `ISBN_SOURCES`, which is also what a draft's `source`, a 503 and the
    /// log say; an SRU URL's user, password and query (where a login may be) are left out.
    public var description: String {
        switch self {
        case .openLibrary: "openlibrary"
        case .z3950(let host, let port, let database): "z3950:\(host):\(port)/\(database)"
        case .sru(let url): "sru:\(Self.redacted(url))"
        }
    }

    private static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.user != nil || parts.password != nil || parts.query != nil
        else { return url }
        let hadQuery = parts.query != nil
        parts.user = nil
        parts.password = nil
        parts.query = nil
        return (parts.string ?? "") + (hadQuery ? "?…" : "")
    }

    /// Parses one entry of `ISBN_SOURCES`, or says what is wrong with it.
    public static func parse(_ text: String) -> Result<LookupSource, SourceSyntaxError> {
        let entry = text.trimmingCharacters(in: .whitespaces)
        if entry.lowercased() == "openlibrary" { return .success(.openLibrary) }
        if entry.lowercased().hasPrefix("z3950:") {
            let rest = entry.dropFirst("z3950:".count)
            guard let slash = rest.firstIndex(of: "/"), let colon = rest[..<slash].lastIndex(of: ":") else {
                return .failure(.init(entry: entry, expected: "z3950:HOST:PORT/DATABASE"))
            }
            let host = String(rest[..<colon])
            let database = String(rest[rest.index(after: slash)...])
            guard !host.isEmpty, !database.isEmpty, let port = Int(rest[rest.index(after: colon)..<slash]),
                (1...65535).contains(port)
            else {
                return .failure(.init(entry: entry, expected: "z3950:HOST:PORT/DATABASE"))
            }
            return .success(.z3950(host: host, port: port, database: database))
        }
        if entry.lowercased().hasPrefix("sru:") {
            let url = String(entry.dropFirst("sru:".count))
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                parsed.host?.isEmpty == false
            else {
                return .failure(.init(entry: entry, expected: "sru:http(s)://HOST[:PORT]/PATH"))
            }
            return .success(.sru(url: url))
        }
        return .failure(.init(entry: entry, expected: "openlibrary, z3950:HOST:PORT/DATABASE or sru:URL"))
    }

    /// Parses the whole comma-separated list.
    public static func parseList(_ text: String) -> Result<[LookupSource], SourceSyntaxError> {
        var sources: [LookupSource] = []
        for entry in text.split(separator: ",") where !entry.trimmingCharacters(in: .whitespaces).isEmpty {
            switch parse(String(entry)) {
            case .success(let source): sources.append(source)
            case .failure(let error): return .failure(error)
            }
        }
        return .success(sources)
    }
}

public struct SourceSyntaxError: Error, Equatable, CustomStringConvertible {
    public var entry: String
    public var expected: String
    public var description: String { "has \"\(entry)\", which is not \(expected)" }
}

/// What one source said about one ISBN.
enum SourceAnswer: Sendable {
    case found(LookupDraft)
    case notFound
    /// Unreachable, too slow, or an answer we could not read: the reason, for the 503.
    case failed(String)
}
