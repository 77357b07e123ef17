import Foundation
import Testing

@testable import BookClient

@Suite("RFC 4180 CSV")
struct CSVTests {
    @Test func quotesEmbeddedNewlinesAndBOM() throws {
        let text = "\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n\r\nlast,,\"\"\n"
        let records = try CSV.read(text)
        #expect(records.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["last", "", ""]])
        #expect(records.map(\.line) == [1, 2, 5])
    }

    @Test func tabsAndNoFinalNewline() throws {
        #expect(try CSV.read("a\tb\n1\t2", separator: "\t").map(\.fields) == [["a", "b"], ["1", "2"]])
    }

    @Test func unterminatedQuoteIsAnError() {
        #expect(throws: CSV.ReadError.unterminatedQuote(line: 2)) { try CSV.read("a\n\"open,b\nmore") }
    }

    @Test func writerQuotesOnlyWhatNeedsIt() throws {
        let fields = ["plain", "with, comma", "with \"quote\"", "two\nlines", " padded", "東京 📚", ""]
        let line = CSV.line(fields)
        #expect(line == "plain,\"with, comma\",\"with \"\"quote\"\"\",\"two\nlines\",\" padded\",東京 📚,\r\n")
        #expect(try CSV.read(line).map(\.fields) == [fields])
    }
}

@Suite("Import files")
struct ImportFileTests {
    @Test func detectsEachLayoutFromItsHeader() {
        #expect(ImportFormat.detect("Book Id,Title,Author,ISBN,ISBN13,Number of Pages,My Review\n") == .goodreads)
        #expect(ImportFormat.detect("Book Id\tTitle\tPrimary Author\tDate\n") == .librarything)
        #expect(ImportFormat.detect("\"TITLE\",\"AUTHOR (last, first)\",\"DATE\"\n") == .librarything)
        #expect(ImportFormat.detect("\u{FEFF}author_sort,authors,isbn,pubdate,title\n") == .calibre)
        #expect(ImportFormat.detect("  [ {\"title\": \"x\"} ]") == .json)
        #expect(ImportFormat.detect("TITLE,AUTHOR,YEAR\n") == .csv)
    }

    @Test func goodreadsRowsWithFormulaQuotedISBNsAndRefusals() throws {
        let text = #"""
            Title,Author,ISBN,ISBN13,Publisher,Number of Pages,Year Published,Original Publication Year,My Review
            Dune,Frank Herbert,"=""0441013597""","=""9780441013593""",Ace,604,2005,1965,"Spice,
            flows"
            Emma,Jane Austen,"=""""","=""""",,,,1815,
            ,Nobody,,,,,2000,,
            Bad,Someone,,"=""9780441013594""",,,2000,,
            Long,Someone,,,,0,2000,,

            """#
        let file = try ImportFile(text: text)
        #expect(file.format == .goodreads)
        #expect(file.rows.map(\.line) == [2, 4])
        #expect(
            file.rows[0].draft
                == BookDraft(
                    title: "Dune", author: "Frank Herbert", publishedYear: 2005,
                    isbn: "9780441013593", publisher: "Ace", pages: 604, notes: "Spice,\nflows"))
        #expect(file.rows[1].draft.publishedYear == 1815 && file.rows[1].draft.isbn == nil)
        #expect(
            file.refused == [
                ImportRefusal(line: 5, reason: "title: missing"),
                ImportRefusal(line: 6, reason: "isbn: ISBN check digit is wrong"),
                ImportRefusal(line: 7, reason: "pages: between 1 and 100000"),
            ])
        #expect(file.total == 5)
    }

    @Test func librarythingAndCalibreFields() throws {
        let lt = try ImportFile(
            text:
                "Title\tAuthor (Last, First)\tPublication\tDate\tISBN\nEmma\tAusten, Jane\tPenguin (2003), Paperback\t2003-01\t[0141439580]\n"
        )
        #expect(
            lt.rows.first?.draft
                == BookDraft(
                    title: "Emma", author: "Jane Austen", publishedYear: 2003,
                    isbn: "9780141439587", publisher: "Penguin"))
        let calibre = try ImportFile(
            text: "authors,comments,isbn,pubdate,publisher,title\n\"A & B\",\"<p>x &amp; y</p>\",,1999-05-01T00:00:00+00:00,,T\n")
        #expect(calibre.rows.first?.draft == BookDraft(title: "T", author: "A, B", publishedYear: 1999, notes: "x & y"))
    }

    @Test func ourJSONAndCSVExportsReadBack() throws {
        let book = Book(
            id: 7, title: "Brontë, \"E\"", author: "小津", publishedYear: 1847, isAvailable: true,
            isbn: "9780141439556", publisher: "P", pages: 3, notes: "a\nb", createdAt: "2024-01-01T00:00:00Z")
        let csv = BookExport.csvHeader(extended: true) + BookExport.csvLine(book, extended: true)
        let json = String(decoding: try BookExport.json([book], extended: true), as: UTF8.self)
        for text in [csv, json] {
            let file = try ImportFile(text: text)
            #expect(file.refused.isEmpty)
            #expect(file.rows.first?.draft == BookDraft(book))
        }
        #expect(try ImportFile(text: json).format == .json)
        #expect(try ImportFile(text: "[1, {\"title\": \"x\"}]").refused.map(\.line) == [1, 2])
    }

    @Test func aFileWithoutATitleColumnIsRefusedWhole() {
        #expect(throws: ImportFile.ReadError.self) { try ImportFile(text: "name,writer\nx,y\n") }
    }
}

@Suite("Matching books already there")
struct BookMatcherTests {
    @Test func byISBNElseTitleAuthorYearFolded() {
        let m = BookMatcher([
            BookDraft(title: "Brontë", author: "Émily", publishedYear: 1847),
            BookDraft(title: "Dune", author: "Frank Herbert", publishedYear: 1965, isbn: "9780441013593"),
        ])
        #expect(m.contains(BookDraft(title: "BRONTE", author: "emily", publishedYear: 1847)))
        #expect(!m.contains(BookDraft(title: "Bronte", author: "Emily", publishedYear: 1848)))
        #expect(m.contains(BookDraft(title: "Other", author: "X", publishedYear: 1, isbn: "0441013597")))
        #expect(m.contains(BookDraft(title: "Dune", author: "Frank Herbert", publishedYear: 1965)))
        // Another edition, another ISBN: a different book.
        #expect(!m.contains(BookDraft(title: "Dune", author: "Frank Herbert", publishedYear: 1965, isbn: "9780340960196")))
    }
}
