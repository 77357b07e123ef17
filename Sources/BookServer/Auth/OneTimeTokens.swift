import BookModel
import Crypto
import Foundation

/// Activation and password-reset tokens made like Django's `PasswordResetTokenGenerator`: an HMAC
/// over the user's state and a timestamp, so nothing is stored, and a token stops working once it
/// expires or once the state it was made from changes (the account is activated, the password is
/// changed, the user logs in). That is what makes each one work once.
public struct OneTimeTokens: Sendable {
    public enum Purpose: String, Sendable { case activation, reset, emailChange }

    let secret: SymmetricKey
    let lifetime: Int

    public init(secret: String, lifetime: Int) {
        self.secret = SymmetricKey(data: Data(("one-time-token|" + secret).utf8))
        self.lifetime = lifetime
    }

    /// `<timestamp base36>-<hmac hex>`.
    public func make(_ purpose: Purpose, for user: User, now: Date = Date()) -> String {
        let ts = Int(now.timeIntervalSince1970)
        return String(ts, radix: 36) + "-" + mac(purpose, user, ts)
    }

    public func check(_ token: String, _ purpose: Purpose, for user: User, now: Date = Date()) -> Bool {
        let parts = token.split(separator: "-", maxSplits: 1).map(String.init)
        guard parts.count == 2, let ts = Int(parts[0], radix: 36) else { return false }
        let expected = mac(purpose, user, ts)
        guard expected.utf8.count == parts[1].utf8.count,
            zip(expected.utf8, parts[1].utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
        else { return false }
        let age = Int(now.timeIntervalSince1970) - ts
        return age >= 0 && age <= lifetime
    }

    private func mac(_ purpose: Purpose, _ user: User, _ ts: Int) -> String {
        var fields = [purpose.rawValue, String(user.id ?? 0), user.passwordHash]
        if purpose == .emailChange {
            // Confirms only the address it was sent to, while it is pending; a login meanwhile is fine.
            fields += [user.email, user.pendingEmail ?? ""]
        } else {
            fields += [String(user.isActive), user.lastLogin.map { String(Int($0.timeIntervalSince1970)) } ?? ""]
        }
        fields.append(String(ts))
        let state = fields.joined(separator: "|")
        let code = HMAC<SHA256>.authenticationCode(for: Data(state.utf8), using: secret)
        return code.prefix(20).map { String(format: "%02x", $0) }.joined()
    }

    /// The user id in the URL-safe base64 Django uses for `uidb64`.
    public static func encodeUID(_ id: Int) -> String { Base64URL.encode(Data(String(id).utf8)) }

    public static func decodeUID(_ uid: String) -> Int? {
        guard let data = Base64URL.decode(uid), let s = String(data: data, encoding: .utf8) else { return nil }
        return Int(s)
    }
}
