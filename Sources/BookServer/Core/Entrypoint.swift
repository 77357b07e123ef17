import Foundation
import Logging
import Vapor

/// `book-server`: detect the environment, bootstrap logging, configure, run the command.
public enum BookServerMain {
    /// Runs the command and exits: 0 when it succeeds, 1 with one line on standard error when the
    /// configuration is wrong or the command fails (never a Swift fatal error with a backtrace).
    public static func run() async -> Never {
        let app: Application
        do {
            var env = try Environment.detect()
            try LoggingSystem.bootstrap(from: &env, LogRedaction.factory)
            app = try await Application.make(env)
        } catch {
            fail(String(describing: error))
        }
        do {
            try await configure(app)
            try await app.execute()
        } catch let error as ConfigError {
            try? await app.asyncShutdown()
            fail(error.description)
        } catch let error as any AbortError {
            try? await app.asyncShutdown()
            fail(error.reason)
        } catch {
            try? await app.asyncShutdown()
            fail(String(describing: error))
        }
        try? await app.asyncShutdown()
        exit(0)
    }

    private static func fail(_ line: String) -> Never {
        let oneLine = line.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("book-server: \(oneLine)\n".utf8))
        exit(1)
    }
}
