import BookModel
import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// Looks ISBNs up: the cache first, then each configured source in order, each within its own
/// deadline. Catalogue searches (YAZ, blocking) run on a thread pool of their own, never on an
/// event loop.
public final class ISBNLookup: Sendable {
    public struct Settings: Sendable, Equatable {
        public var sources: [LookupSource]
        /// Seconds each source may take.
        public var timeout: Double
        public var cacheDays: Int
        public var openLibraryURL: String
    }

    /// What a lookup comes to.
    enum Outcome {
        case found(LookupDraft)
        /// No source knows it; `failures` names those that could not be asked.
        case notFound(failures: [(source: String, problem: String)])
        case unavailable(failures: [(source: String, problem: String)])
    }

    /// Misses are kept one day, so a scanner loop does not hammer the sources.
    static let missLifetime: TimeInterval = 86_400

    let settings: Settings
    private let pool: NIOThreadPool
    private let logger: Logger

    init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        // A few threads: each holds one catalogue search at a time, for at most the ZOOM timeout.
        pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
    }

    func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    func lookup(_ isbn13: String, db: any Database, client: any Client) async throws -> Outcome {
        let now = Date()
        let newest = try await ISBNLookupRecord.query(on: db).filter(\.$isbn == isbn13)
            .sort(\.$fetchedAt, .descending).sort(\.$id, .descending).first()
        if let newest {
            let age = now.timeIntervalSince(newest.fetchedAt)
            if newest.found, age < Double(settings.cacheDays) * 86_400, let draft = Self.decode(newest.draft) {
                return .found(draft)
            }
            if !newest.found, age < Self.missLifetime { return .notFound(failures: []) }
        }

        let isbns = [isbn13] + (ISBN.isbn10(of: isbn13).map { [$0] } ?? [])
        var failures: [(source: String, problem: String)] = []
        for source in settings.sources {
            let answer = await ask(source, isbns: isbns, isbn13: isbn13, client: client)
            switch answer {
            case .found(let draft):
                try await store(isbn13, source: source.description, draft: draft, on: db)
                return .found(draft)
            case .notFound:
                continue
            case .failed(let problem):
                logger.warning("ISBN lookup: \(source) failed for \(isbn13): \(problem)")
                failures.append((source.description, problem))
            }
        }
        if failures.count == settings.sources.count {
            // Every source is down: an older answer is better than none.
            let stale = try await ISBNLookupRecord.query(on: db).filter(\.$isbn == isbn13).filter(\.$found == true)
                .sort(\.$fetchedAt, .descending).first()
            if let draft = Self.decode(stale?.draft) { return .found(draft) }
            return .unavailable(failures: failures)
        }
        // A miss is cached only when every source answered it; one that failed may know the book.
        if failures.isEmpty {
            try await ISBNLookupRecord(
                isbn: isbn13, source: settings.sources.map(\.description).joined(separator: ","),
                found: false, draft: nil, fetchedAt: Date()
            ).create(on: db)
        }
        return .notFound(failures: failures)
    }

    private func ask(_ source: LookupSource, isbns: [String], isbn13: String, client: any Client) async -> SourceAnswer {
        let timeout = settings.timeout
        let name = source.description
        return await Self.withDeadline(timeout, fallback: .failed("no answer within \(Self.seconds(timeout))")) { [pool] in
            switch source {
            case .openLibrary:
                return await OpenLibrary(baseURL: self.settings.openLibraryURL)
                    .lookup(isbns, isbn13: isbn13, client: client, timeout: timeout)
            case .z3950, .sru:
                do {
                    let json = try await pool.runIfActive { try ZoomSearch.firstRecord(source, isbns: isbns, timeout: timeout) }
                    guard let json else { return .notFound }
                    guard let draft = try MARCRecord.decode(json).draft(isbn: isbn13, source: name) else {
                        return .failed("the record found has no title (245 $a)")
                    }
                    return .found(draft)
                } catch let error as ZoomSearch.Failure {
                    return .failed(error.description)
                } catch {
                    return .failed("the record could not be read: \(error)")
                }
            }
        }
    }

    private func store(_ isbn13: String, source: String, draft: LookupDraft, on db: any Database) async throws {
        let json = String(decoding: try JSONEncoder().encode(draft), as: UTF8.self)
        try await ISBNLookupRecord(isbn: isbn13, source: source, found: true, draft: json, fetchedAt: Date()).create(on: db)
    }

    private static func decode(_ json: String?) -> LookupDraft? {
        guard let json else { return nil }
        return try? JSONDecoder().decode(LookupDraft.self, from: Data(json.utf8))
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// `work`'s answer, or `fallback` once `seconds` have passed: the caller never waits longer,
    /// even while a blocking search goes on (its thread is freed by the ZOOM timeout).
    static func withDeadline<T: Sendable>(
        _ seconds: Double, fallback: T,
        _ work: @escaping @Sendable () async -> T
    ) async -> T {
        let resumed = NIOLockedValueBox(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            @Sendable func finish(_ value: T) -> Bool {
                let first = resumed.withLockedValue { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: value) }
                return first
            }
            let timer = NIOLockedValueBox<Task<Void, Never>?>(nil)
            let worker = Task {
                _ = finish(await work())
                timer.withLockedValue { $0?.cancel() }
            }
            let sleeper = Task {
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                if !Task.isCancelled, finish(fallback) { worker.cancel() }
            }
            timer.withLockedValue { $0 = sleeper }
        }
    }
}

extension Application {
    private struct ISBNLookupKey: StorageKey { typealias Value = ISBNLookup }

    /// The lookup service; nil when `ISBN_SOURCES` names no source.
    var isbnLookup: ISBNLookup? { storage[ISBNLookupKey.self] }

    /// Installs the lookup service; its thread pool stops with the application.
    func useISBNLookup(_ lookup: ISBNLookup) async {
        await storage.setWithAsyncShutdown(ISBNLookupKey.self, to: lookup) { await $0.shutdown() }
    }
}
