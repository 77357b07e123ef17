import ArgumentParser
import BookClient
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension BooktuiCommand {
    /// `booktui export`: every book of the signed-in user, as CSV or JSON.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every book of the signed-in user as CSV (RFC 4180, UTF-8) or JSON, to standard output or a file.")
        @OptionGroup var options: ServerOptions

        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }
        @Option(name: .long, help: "csv or json.") var format: Format = .csv
        @Option(name: .long, help: "The file to write (default: standard output).") var output: String?

        func run() throws {
            bootstrapLogging()
            let (client, _) = try options.makeClient(remember: false)
            let progress = Progress(label: "Exporting")
            let outcome: Result<([Book], Bool), APIError> = try blocking {
                do {
                    let books = try await client.allBooks { done, total in progress.show(done, of: total, unit: "books") }
                    return .success((books, client.capabilities.current.extended))
                } catch let e as APIError { return .failure(e) }
            }
            progress.finish()
            let (books, extended) = try outcome.mapError { e -> ExitCode in
                FileHandle.standardError.write(Data("booktui: export failed: \(e.description)\n".utf8))
                return ExitCode(e == .signedOut ? 1 : 2)
            }.get()
            var data: Data
            switch format {
            case .json: data = try BookExport.json(books, extended: extended)
            case .csv:
                data = Data(BookExport.csvHeader(extended: extended).utf8)
                for b in books { data.append(Data(BookExport.csvLine(b, extended: extended).utf8)) }
            }
            if let output {
                do { try data.write(to: URL(fileURLWithPath: output)) } catch {
                    FileHandle.standardError.write(Data("booktui: cannot write \(output): \(error.localizedDescription)\n".utf8))
                    throw ExitCode(2)
                }
                FileHandle.standardError.write(Data("Exported \(books.count) books to \(output).\n".utf8))
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }
}

/// A one-line progress bar with rate and time left on standard error, only when it is a terminal.
final class Progress: @unchecked Sendable {
    let label: String
    let enabled = isatty(2) == 1
    let started = Date()
    private let lock = NSLock()
    private var shown = false

    init(label: String) { self.label = label }

    func show(_ done: Int, of total: Int, unit: String) {
        guard enabled, total > 0 else { return }
        lock.lock(); defer { lock.unlock() }
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let rate = Double(done) / elapsed
        let width = 24
        let filled = min(width, width * done / total)
        let left = rate > 0 ? Int(Double(total - done) / rate) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = "\r\(label) \(bar) \(done)/\(total) \(unit)  \(Int(rate))/s  \(left) s left "
        FileHandle.standardError.write(Data(line.utf8))
        shown = true
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        shown = false
    }
}
