import Crypto
import CryptoExtras
import Foundation

/// Password hashes as the seed's Django app stores them, kept by `import-django` so that users
/// keep their passwords: `pbkdf2_sha256$<iterations>$<salt>$<base64 of the 32-byte key>`.
/// Verified at login and then replaced by our own hash. A hash that starts with `!` is Django's
/// unusable password (an account made by SSO, or disabled): it matches nothing.
enum DjangoPassword {
    static let prefix = "pbkdf2_sha256$"
    /// More rounds than any Django release uses: a hostile dump must not make a login take minutes.
    static let maxIterations = 5_000_000

    static func isDjangoHash(_ digest: String) -> Bool { digest.hasPrefix(prefix) }
    static func isUnusable(_ digest: String) -> Bool { digest.hasPrefix("!") }

    /// Whether `password` matches `digest`; false for anything that is not a well-formed hash.
    static func verify(_ password: String, digest: String) -> Bool {
        let parts = digest.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2_sha256", let iterations = Int(parts[1]),
            (1...maxIterations).contains(iterations), !parts[2].isEmpty,
            let expected = Data(base64Encoded: String(parts[3])), expected.count == 32,
            let key = try? KDF.Insecure.PBKDF2.deriveKey(
                from: Array(password.utf8), salt: Array(parts[2].utf8), using: .sha256,
                outputByteCount: 32, unsafeUncheckedRounds: iterations)
        else { return false }
        let derived = key.withUnsafeBytes { Data($0) }
        // Constant time: every byte is compared, whatever the first difference.
        return zip(derived, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
