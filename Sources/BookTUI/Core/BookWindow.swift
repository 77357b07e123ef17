import BookClient

/// The rows of a long list, fetched a page at a time as they come into view. Pure bookkeeping
/// (which pages exist, which are on their way), so it is tested without a server.
public struct BookWindow: Sendable {
    public let pageSize: Int
    /// nil until the first page has answered.
    public private(set) var total: Int?
    var pages: [Int: [Book]] = [:]
    var inFlight: Set<Int> = []
    var failed: Set<Int> = []
    /// Bumped on every reset, so answers to an older query are dropped.
    public private(set) var generation = 0

    public init(pageSize: Int = 100) { self.pageSize = pageSize }

    /// Forgets everything (new search, sort, filter, or a reload).
    public mutating func reset() {
        pages = [:]; inFlight = []; failed = []; total = nil; generation += 1
    }

    /// Keeps the rows on screen while fresh ones load (after a save), but refetches all.
    public mutating func invalidate() {
        inFlight = []; failed = []; generation += 1
        stale = Set(pages.keys)
    }
    var stale: Set<Int> = []

    public func row(_ i: Int) -> Book? {
        pages[i / pageSize].flatMap { p in i % pageSize < p.count ? p[i % pageSize] : nil }
    }

    /// Zero-based page numbers that rows `range` need and that are neither here nor on their way.
    public func missingPages(for range: Range<Int>) -> [Int] {
        guard !range.isEmpty else {
            return total == nil && pages.isEmpty && !inFlight.contains(0) && !failed.contains(0) ? [0] : []
        }
        var last = range.upperBound - 1
        if let t = total { last = min(last, max(0, t - 1)) }
        let first = min(range.lowerBound, last)
        var out: [Int] = []
        for p in (first / pageSize)...(last / pageSize) {
            if (pages[p] == nil || stale.contains(p)) && !inFlight.contains(p) && !failed.contains(p) { out.append(p) }
        }
        if total == nil && out.isEmpty && pages.isEmpty && !inFlight.contains(0) && !failed.contains(0) { out = [0] }
        return out
    }

    public mutating func markRequested(_ page: Int) { inFlight.insert(page) }

    /// Stores an answer; false if it belongs to an older generation.
    @discardableResult
    public mutating func receive(page: Int, _ result: BookPage, generation g: Int) -> Bool {
        guard g == generation else { return false }
        inFlight.remove(page)
        stale.remove(page)
        if total != result.count {
            // The list changed under us: drop pages that may now be shifted.
            if total != nil { pages = pages.filter { $0.key == page }; stale = [] }
            total = result.count
        }
        pages[page] = result.results
        return true
    }

    public mutating func fail(page: Int, generation g: Int) {
        guard g == generation else { return }
        inFlight.remove(page)
        failed.insert(page)
    }

    public var isLoading: Bool { !inFlight.isEmpty }

    /// "41–80 of 12,345" for rows `first..<end` on screen.
    public static func position(first: Int, visible: Int, total: Int) -> String {
        guard total > 0 else { return "0 of 0" }
        let a = min(first, total - 1) + 1
        let b = min(first + visible, total)
        return "\(grouped(a))–\(grouped(b)) of \(grouped(total))"
    }

    public static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
