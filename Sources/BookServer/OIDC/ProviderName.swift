import Foundation

extension AppConfig.OIDC {
    /// A name for the provider when `OIDC_PROVIDER_NAME` is unset: the product its issuer URL gives
    /// away (Keycloak's `/realms/…`, a glewlwyd path), else the issuer's host.
    public static func derivedProviderName(issuer: String) -> String {
        let url = URLComponents(string: issuer)
        let host = url?.host?.lowercased() ?? ""
        let path = url?.path.lowercased() ?? ""
        if path.contains("/realms/") { return "Keycloak" }
        if host.contains("glewlwyd") || path.contains("glewlwyd") { return "Glewlwyd" }
        if host == "accounts.google.com" { return "Google" }
        if host == "login.microsoftonline.com" { return "Microsoft" }
        return host.isEmpty ? "the identity provider" : host
    }
}
