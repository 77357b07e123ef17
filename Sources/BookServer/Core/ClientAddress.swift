import Vapor

extension Request {
    /// The address of the client, for counting failed logins. Behind `TRUSTED_PROXY_HOPS` proxies
    /// that each append to `X-Forwarded-For`, it is the entry the outermost of them added (counted
    /// from the right); entries further left are the client's own word and are never trusted.
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        let hops = application.config.trustedProxyHops
        guard hops > 0 else { return peer }
        let chain = headers[.xForwardedFor]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        // Fewer entries than proxies: the request did not come through all of them.
        guard chain.count >= hops else { return peer }
        return chain[chain.count - hops]
    }
}
