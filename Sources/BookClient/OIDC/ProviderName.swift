import Foundation

extension OIDCAdvert {
    /// The provider's name for screens: the server's `provider_name`; from an older server, Keycloak
    /// for a `/realms/` issuer, else the issuer's host.
    public var name: String {
        if let providerName, !providerName.isEmpty { return providerName }
        let url = URLComponents(string: issuer)
        if url?.path.contains("/realms/") == true { return "Keycloak" }
        return url?.host ?? "the identity provider"
    }
}
