import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Asks the provider for the authorization URL before any browser does, without following its
/// redirects: a login page (200) or a redirect to one (3xx) means the request is accepted; a 4xx
/// is the provider refusing it (an unregistered redirect URI above all: Keycloak answers 400
/// "Invalid parameter: redirect_uri", glewlwyd 403), which the user would otherwise see only in
/// the browser while booktui waits for a callback that never comes.
enum AuthorizationPreflight {
    struct Refusal: Error {
        var status: Int
        /// The first words of the provider's error page or body, as plain text.
        var message: String
    }

    /// Keeps the first answer: a redirect is not followed (it may point at our own listener).
    final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    /// Nil when the provider accepts the request or cannot be asked (the browser will show why).
    static func check(_ url: String, timeout: TimeInterval) async -> Refusal? {
        guard let u = URL(string: url) else { return nil }
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: config, delegate: NoRedirects(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var req = URLRequest(url: u, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        req.setValue("text/html, application/json", forHTTPHeaderField: "Accept")
        guard let (data, resp) = try? await session.data(for: req), let http = resp as? HTTPURLResponse,
            (400..<500).contains(http.statusCode)
        else { return nil }
        return Refusal(status: http.statusCode, message: plainText(data))
    }

    /// The error a page or a JSON body states, as one short line with no markup or control characters.
    static func plainText(_ data: Data, limit: Int = 160) -> String {
        if let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
            let parts = [o["error"], o["error_description"]].compactMap { $0 as? String }
            if !parts.isEmpty { return clean(parts.joined(separator: ": "), limit) }
        }
        var text = String(decoding: data.prefix(64 * 1024), as: UTF8.self)
        for block in ["script", "style", "title", "head"] {
            text = text.replacingOccurrences(
                of: "<\(block)[^>]*>.*?</\(block)>", with: " ",
                options: [.regularExpression, .caseInsensitive])
        }
        text = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return clean(text, limit)
    }

    static func clean(_ text: String, _ limit: Int) -> String {
        let words = text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : String($0) }.joined()
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return words.count > limit ? String(words.prefix(limit - 1)) + "…" : words
    }
}
