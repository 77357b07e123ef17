import ArgumentParser
import BookClient
import BookTUI
import Foundation
import Logging

/// Options every subcommand shares.
struct ServerOptions: ParsableArguments {
    /// The server to talk to.
    @Option(name: .long, help: "Server base URL (default: $BOOKTUI_SERVER, else the last one used, else http://127.0.0.1:8000).")
    var server: String?

    /// Seconds to wait for any one request.
    @Option(name: .long, help: "Seconds to wait for the server on each request.")
    var timeout: Double = 15

    func validate() throws {
        if let s = server, URL(string: s)?.scheme == nil {
            throw ValidationError("--server needs a URL like http://127.0.0.1:8000")
        }
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    /// Opens the token store and the client; explains and fails if the token files are open to others.
    /// - Parameter remember: whether a server named here becomes the one used next time; only
    ///   signing in (the TUI, `login`) says so, not a look with `status` or a `logout`.
    func makeClient(remember: Bool = true) throws -> (BookClient, TokenStore) {
        let env = ProcessInfo.processInfo.environment
        let store = TokenStore(directory: TokenStore.defaultDirectory(environment: env))
        do {
            try store.checkPermissions()
            let explicit = server ?? env["BOOKTUI_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
            let url = explicit ?? store.lastServer() ?? "http://127.0.0.1:8000"
            if explicit != nil && remember { try store.setLastServer(url) }
            return (try BookClient(server: url, store: store, timeout: timeout), store)
        } catch let e as TokenStoreError {
            FileHandle.standardError.write(Data("booktui: \(e.description)\n".utf8))
            throw ExitCode(3)
        }
    }
}

/// Runs async work from a synchronous command, keeping the main thread for the terminal.
final class ResultBox<T>: @unchecked Sendable { var result: Result<T, Error>? }

func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Log lines would tear the full-screen UI, so the app logs nothing; the script subcommands log
/// to standard error at debug level when `BOOKTUI_DEBUG` is set. Tokens are never logged.
func bootstrapLogging(tui: Bool = false) {
    let debug = !(ProcessInfo.processInfo.environment["BOOKTUI_DEBUG"] ?? "").isEmpty
    LoggingSystem.bootstrap { label in
        guard debug && !tui else { return SwiftLogNoOpLogHandler() }
        var h = StreamLogHandler.standardError(label: label)
        h.logLevel = .debug
        return h
    }
}

struct BooktuiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "booktui",
        abstract: "A full-screen terminal client for the book catalogue.",
        discussion: "Without a subcommand, opens the full-screen app. Tokens live in $XDG_CONFIG_HOME/booktui/ (0600).",
        version: BookClientVersion.version,
        subcommands: [Status.self, Logout.self, Login.self, Export.self, Import.self]
    )

    @OptionGroup var options: ServerOptions

    /// Turns colours off (also done by the NO_COLOR environment variable).
    @Flag(name: .long, help: "No colours (also when NO_COLOR is set).")
    var monochrome = false

    func run() throws {
        bootstrapLogging(tui: true)
        let (client, store) = try options.makeClient()
        if let why = CursesTerminal.unusableReason(environment: ProcessInfo.processInfo.environment) {
            FileHandle.standardError.write(Data("booktui: \(why).\n".utf8))
            throw ExitCode(1)
        }
        let noColor = monochrome || !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let app = App(client: client, drafts: DraftStore(folder: store.folder))
        let resuming = ((try? store.load(server: client.server)) ?? nil) != nil
        app.reset(to: LoginScreen(resuming: resuming))
        app.run(terminal: CursesTerminal(monochrome: noColor))
        // The terminal is already restored here.
        if app.exitStatus != 0 { throw ExitCode(app.exitStatus) }
    }
}
