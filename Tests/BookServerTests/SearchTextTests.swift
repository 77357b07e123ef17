import Testing

@testable import BookServer

@Suite("Search text: folded case and accents, every form of an ISBN")
struct SearchTextTests {
    @Test func accentsAndCaseFold() {
        #expect(SearchText.fold("Zazie dans le MÉTRO") == "zazie dans le metro")
        #expect(SearchText.fold("Brontë") == "bronte")
        #expect(SearchText.fold("Søren Łódź Straße Ærø") == "soren lodz strasse aero")
        #expect(SearchText.fold("Antoine de Saint-Exupe\u{301}ry") == "antoine de saint-exupery")
        #expect(SearchText.fold("三体") == "三体")
    }

    @Test func storedColumnHoldsBothISBNForms() {
        let s = SearchText.of(title: "Dune", author: "Frank Herbert", isbn: "9780441172719")
        #expect(s == "dune\u{1F}frank herbert\u{1F}9780441172719\u{1F}0441172717")
        #expect(SearchText.of(title: "T", author: "A", isbn: "9791032305690").hasSuffix("\u{1F}"))  // 979: no ISBN-10
        #expect(SearchText.isbn10("9780804429573") == "080442957x")
    }

    @Test func termsTakeTheStoredForm() {
        #expect(SearchText.term("0-441-17271-7") == "9780441172719")
        #expect(SearchText.term(" 978-0-441 ") == "9780441")
        #expect(SearchText.term("080442957X") == "9780804429573")
        #expect(SearchText.term("Métro") == "metro")
    }
}

@Suite("SQLite search plan: the trigrams of a term, as the FTS5 trigram tokenizer cuts it")
struct SQLiteSearchPlanTests {
    @Test func distinctTrigramsInOrder() {
        #expect(SQLiteSearchPlan.trigrams(of: "author 42") == ["aut", "uth", "tho", "hor", "or ", "r 4", " 42"])
        #expect(SQLiteSearchPlan.trigrams(of: "aaaa") == ["aaa"])
        #expect(SQLiteSearchPlan.trigrams(of: "ab") == [])
    }

    @Test func unicodeScalarsNotCharacters() {
        #expect(SQLiteSearchPlan.trigrams(of: "三体小说") == ["三体小", "体小说"])
        // e + combining acute: one Character, two scalars (search_text is folded, but a term may keep them).
        #expect(SQLiteSearchPlan.trigrams(of: "cafe\u{301}").count == 3)
    }

    @Test func aLongTermIsSampledEvenly() {
        let term = (0..<60).map { String(UnicodeScalar(UInt8(65 + $0 % 26))) + "\($0)" }.joined()
        let trigrams = SQLiteSearchPlan.trigrams(of: term)
        #expect(trigrams.count == SQLiteSearchPlan.maxTrigramsCounted)
        #expect(trigrams.first == String(term.prefix(3)))
        #expect(Set(trigrams).count == trigrams.count)
    }

    @Test func phrasesQuoteQuotes() {
        #expect(SQLiteSearchPlan.phrase("a\"b") == "\"a\"\"b\"")
        #expect(SQLiteSearchPlan.phrase("AND") == "\"AND\"")
    }
}

@Suite("Page bookmarks: which lists keep the ids of their order")
struct PageBookmarksTests {
    @Test func anUnfilteredListInOneNotNullColumnsOrder() {
        var filter = BookQueries.Filter(ownerID: 7)
        #expect(PageBookmarks.key(filter) == .init(owner: 7, column: "id", descending: false))
        filter.sorts = [("title", true)]
        #expect(PageBookmarks.key(filter) == .init(owner: 7, column: "title", descending: true))
        filter.sorts = [("created_at", false)]  // may be null: a row value comparison would not hold
        #expect(PageBookmarks.key(filter) == nil)
        filter.sorts = [("title", false), ("author", true)]
        #expect(PageBookmarks.key(filter) == nil)
    }

    @Test func notAFilteredOne() {
        var filter = BookQueries.Filter(ownerID: 7)
        filter.isAvailable = true
        #expect(PageBookmarks.key(filter) == nil)
        filter = BookQueries.Filter(ownerID: 7)
        filter.search = BookQueries.searchPredicate("dune")
        #expect(PageBookmarks.key(filter) == nil)
    }
}
