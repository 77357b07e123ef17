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
