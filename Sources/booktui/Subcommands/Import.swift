import ArgumentParser
import BookClient
import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension ImportFormat: ExpressibleByArgument {}

extension BooktuiCommand {
    /// `booktui import FILE`: books from our export, Goodreads, LibraryThing, Calibre or any CSV
    /// with our column names; what the user has already is skipped, so running it again resumes.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add the books of a file: our CSV or JSON export, Goodreads, LibraryThing, Calibre, or a CSV with our column names.",
            discussion: """
                Books the account has already (same ISBN, else same title, author and year) are skipped, so a second \
                run adds nothing and a stopped one resumes. Exit status: 0 when every row was added or already \
                there, 1 when rows were refused, 2 on an error, 130 after Ctrl-C.
                """)
        @OptionGroup var options: ServerOptions
        @Argument(help: "The file to read.") var file: String
        @Flag(name: .long, help: "Check the file and say what would be added, without adding anything.") var dryRun = false
        @Option(
            name: .long,
            help:
                "The file's layout: \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: from its header).")
        var format: ImportFormat?

        func run() throws {
            bootstrapLogging()
            let parsed: ImportFile
            do {
                parsed = try ImportFile(data: try Data(contentsOf: URL(fileURLWithPath: file)), format: format)
            } catch {
                let why = (error as? ImportFile.ReadError)?.description ?? error.localizedDescription
                FileHandle.standardError.write(Data("booktui: cannot import \(file): \(why)\n".utf8))
                throw ExitCode(2)
            }
            let (client, _) = try options.makeClient(remember: false)
            var tally = Tally(refused: parsed.refused)
            let stop = Interrupt()
            let progress = Progress(label: dryRun ? "Checking" : "Importing")
            let rows = parsed.rows
            do {
                if dryRun {
                    let existing = try blocking { try await client.allBooks() }
                    var matcher = BookMatcher(existing.map(BookDraft.init))
                    for row in rows {
                        if matcher.contains(row.draft) { tally.existing += 1 } else { tally.added += 1; matcher.add(row.draft) }
                    }
                } else {
                    for start in stride(from: 0, to: rows.count, by: BookClient.bulkLimit) where !stop.requested {
                        let batch = Array(rows[start..<min(rows.count, start + BookClient.bulkLimit)])
                        let drafts = batch.map(\.draft)
                        let statuses = try blocking { try await client.importBooks(drafts) }
                        tally.count(statuses, batch)
                        progress.show(start + batch.count, of: rows.count, unit: "rows")
                    }
                }
            } catch let e as APIError {
                progress.finish()
                tally.print(format: parsed.format, total: parsed.total, dryRun: dryRun)
                FileHandle.standardError.write(Data("booktui: import stopped: \(e.description)\n".utf8))
                throw ExitCode(e == .signedOut ? 1 : 2)
            }
            progress.finish()
            tally.print(format: parsed.format, total: parsed.total, dryRun: dryRun)
            if stop.requested && tally.done < rows.count {
                Swift.print("Stopped by Ctrl-C after \(tally.done) of \(rows.count) books; run the same command again to go on.")
                throw ExitCode(130)
            }
            if !tally.refused.isEmpty { throw ExitCode(1) }
        }
    }
}

/// What an import did so far.
struct Tally {
    var added = 0
    var existing = 0
    var refused: [ImportRefusal]
    /// Rows the server has answered for.
    var done = 0

    mutating func count(_ statuses: [BulkStatus], _ batch: [ImportRow]) {
        for (status, row) in zip(statuses, batch) {
            switch status {
            case .created: added += 1
            case .exists: existing += 1
            case .invalid(let why): refused.append(ImportRefusal(line: row.line, reason: why))
            }
        }
        done += statuses.count
    }

    func print(format: ImportFormat, total: Int, dryRun: Bool) {
        Swift.print("\(dryRun ? "Dry run of" : "Imported") \(total) rows (\(format.rawValue)):")
        Swift.print("  \(dryRun ? "would be added" : "added"):  \(added)")
        Swift.print("  already there:  \(existing)")
        Swift.print("  refused:        \(refused.count)")
        // A JSON file's books are counted by item, a CSV file's by line.
        let unit = format == .json ? "item" : "line"
        for r in refused.sorted(by: { $0.line < $1.line }) { Swift.print("    \(unit) \(r.line): \(r.reason)") }
    }
}

/// Ctrl-C asks the import to stop after the batch under way instead of killing it mid-request.
final class Interrupt: @unchecked Sendable {
    private let source: any DispatchSourceSignal
    private let lock = NSLock()
    private var flag = false

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in
            self.lock.lock(); self.flag = true; self.lock.unlock()
            FileHandle.standardError.write(Data("\nStopping after the current batch…\n".utf8))
        }
        source.resume()
    }

    var requested: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
