/// The one normal form of a server's or a provider's address: without trailing slashes, so
/// `http://h/` and `http://h` are one server (token files, drafts, issuer comparisons).
public enum ServerAddress {
    public static func normalized(_ address: String) -> String {
        var s = address
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }
}
