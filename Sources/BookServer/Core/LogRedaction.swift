import Logging
import Vapor

/// Wraps the console log handler so that no log line can be forged and none holds a secret:
/// every message and metadata value is written on one line with control characters escaped, and
/// the bind values of SQL statements (password hashes, mail bodies with their links) are hidden
/// at every level; the statement itself is still logged at `debug`.
struct RedactingLogHandler: LogHandler {
    var inner: any LogHandler

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: ControlCharacters.escaped(event.message.description))
        event.metadata = event.metadata.map(Self.redacted)
        inner.log(event: event)
    }

    /// Metadata that carries the values of a query: SQLKit's drivers log `Executing query` with
    /// `sql` and `binds`; FluentKit logs `Running query` with the rows it writes (`input`) and its
    /// `filters`. The values go, their number stays.
    static let valueKeys = ["binds", "input", "filters"]

    static func redacted(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var out = metadata.mapValues(escaped)
        for key in valueKeys {
            if case .array(let values)? = metadata[key] {
                out[key] = .string("[\(values.count) hidden]")
            }
        }
        return out
    }

    static func escaped(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let s): .string(ControlCharacters.escaped(s))
        case .stringConvertible(let c): .string(ControlCharacters.escaped(c.description))
        case .array(let a): .array(a.map(escaped))
        case .dictionary(let d): .dictionary(d.mapValues(escaped))
        }
    }
}

enum LogRedaction {
    /// The factory `LoggingSystem.bootstrap(from:_:)` takes: Vapor's console logger, redacted.
    @Sendable static func factory(_ level: Logger.Level) -> @Sendable (String) -> any LogHandler {
        let console = Terminal()
        return { label in RedactingLogHandler(inner: ConsoleLogger(label: label, console: console, level: level)) }
    }

    /// The pages opened from mails, `/<page>/<uid>/<token>/`: the token is a password for a while.
    static let mailLinkPages: Set<String> = ["activate", "reset", "confirm-email"]

    /// How a request path appears in the log: as sent (percent-encoded), with any byte outside
    /// printable ASCII percent-encoded too, and the secret part of mail links replaced.
    static func loggedPath(_ rawPath: String) -> String {
        var segments = rawPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // "", "activate", uid, token, ""  (and the same for "reset" and "confirm-email")
        let named = segments.indices.filter { !segments[$0].isEmpty }
        if named.count >= 3, mailLinkPages.contains(segments[named[0]].lowercased()) {
            segments[named[2]] = "[redacted]"
        }
        var out = ""
        for byte in segments.joined(separator: "/").utf8 {
            if (0x21...0x7E).contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}

/// Logs each request's method and path at `info`, escaped and redacted (see `LogRedaction`).
/// Takes the place of Vapor's `RouteLoggingMiddleware`, which logs the path percent-decoded.
struct RequestLogMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        request.logger.info("\(request.method) \(LogRedaction.loggedPath(request.url.path))")
        return try await next.respond(to: request)
    }
}
