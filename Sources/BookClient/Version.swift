/// The version of the terminal client, shown by `booktui --version` and sent as the User-Agent.
public enum BookClientVersion { public static let version = "0.1.0" }
