import BookClient
import Testing

@testable import BookTUI

@Suite("Fetching a long list page by page")
struct BookWindowTests {
    func page(_ first: Int, _ n: Int, total: Int) -> BookPage {
        BookPage(
            count: total, results: (first..<(first + n)).map { Book(id: $0, title: "B\($0)", author: "A", publishedYear: 2000) })
    }

    @Test func firstPageIsAskedForFirst() {
        let w = BookWindow(pageSize: 100)
        #expect(w.missingPages(for: 0..<26) == [0])
    }

    @Test func onlyThePagesOnScreenAreFetched() {
        var w = BookWindow(pageSize: 100)
        w.markRequested(0)
        #expect(w.missingPages(for: 0..<26).isEmpty)  // on its way already
        let accepted = w.receive(page: 0, page(0, 100, total: 10_000), generation: w.generation)
        #expect(accepted)
        #expect(w.total == 10_000 && w.row(99)?.id == 99 && w.row(100) == nil)
        #expect(w.missingPages(for: 9_975..<10_001) == [99])  // G: the last page only
        #expect(w.missingPages(for: 90..<116) == [1])  // across a page boundary
    }

    @Test func answersToAnOldQueryAreDropped() {
        var w = BookWindow(pageSize: 10)
        w.markRequested(0)
        let old = w.generation
        w.reset()
        let accepted = w.receive(page: 0, page(0, 10, total: 50), generation: old)
        #expect(accepted == false)
        #expect(w.total == nil)
    }

    @Test func invalidateKeepsRowsWhileRefetching() {
        var w = BookWindow(pageSize: 10)
        w.receive(page: 0, page(0, 10, total: 30), generation: w.generation)
        w.invalidate()
        #expect(w.row(3) != nil)
        #expect(w.missingPages(for: 0..<5) == [0])
    }

    @Test func positionText() {
        #expect(BookWindow.position(first: 40, visible: 40, total: 12_345) == "41–80 of 12,345")
        #expect(BookWindow.position(first: 0, visible: 26, total: 3) == "1–3 of 3")
        #expect(BookWindow.position(first: 0, visible: 26, total: 0) == "0 of 0")
        #expect(BookWindow.grouped(1_000_000) == "1,000,000")
    }
}
