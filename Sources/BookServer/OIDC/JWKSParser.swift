import BookModel
import Foundation
import JWTKit

/// A JWT's header fields that choose the key, read before any key is touched.
struct JOSEHeader: Decodable {
    var alg: String?
    var kid: String?

    static func parse(_ token: String) -> JOSEHeader? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Base64URL.decode(parts[0]) else { return nil }
        return try? JSONDecoder().decode(JOSEHeader.self, from: data)
    }
}

/// Reads a JWKS one key at a time: Keycloak publishes encryption keys (`use: enc`, `RSA-OAEP`)
/// beside its signing keys, and one key we cannot read must not make us lose the others.
enum JWKSParser {
    static func signingKeys(_ data: Data) throws -> [JWK] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let entries = object["keys"] as? [[String: Any]]
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not a JWKS"))
        }
        return entries.compactMap { entry in
            if let use = entry["use"] as? String, use != "sig" { return nil }
            guard let json = try? JSONSerialization.data(withJSONObject: entry) else { return nil }
            return try? JSONDecoder().decode(JWK.self, from: json)
        }
    }
}
