import Foundation

/// Opens a URL in the user's browser without waiting for it: `$BROWSER` (a command, `%s` standing
/// for the URL, else the URL appended; several commands separated by `:` as the convention goes,
/// the first is used) or `xdg-open`. The URL is always shown on screen before this is called, so
/// a browser that never opens costs nothing.
public struct BrowserOpener: Sendable {
    public var open: @Sendable (String) -> Result<String, APIError>

    public init(open: @escaping @Sendable (String) -> Result<String, APIError>) { self.open = open }

    /// The command line that would open `url`, from the environment.
    public static func command(for url: String, environment env: [String: String]) -> [String]? {
        if let b = env["BROWSER"], !b.isEmpty {
            guard let first = b.split(separator: ":").first.map(String.init), !first.isEmpty else { return nil }
            var argv = first.split(separator: " ").map(String.init)
            if argv.contains(where: { $0.contains("%s") }) {
                argv = argv.map { $0.replacingOccurrences(of: "%s", with: url) }
            } else {
                argv.append(url)
            }
            return argv
        }
        return ["xdg-open", url]
    }

    /// Starts the browser as a child with its output thrown away (it must not tear the screen).
    public static func live(environment env: [String: String] = ProcessInfo.processInfo.environment) -> BrowserOpener {
        BrowserOpener { url in
            guard let argv = command(for: url, environment: env), argv.first != "false" else {
                return .failure(.sso("no browser to open ($BROWSER is empty or false)"))
            }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = argv
            p.standardInput = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            do {
                try p.run()
                return .success(argv[0])
            } catch {
                return .failure(.sso("could not start \(argv[0]): \(error.localizedDescription)"))
            }
        }
    }
}
