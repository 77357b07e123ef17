import BookModel
import Foundation
import Testing
import Vapor

@testable import BookServer

@Suite struct LookupSourceTests {
    @Test func theSourceSyntax() throws {
        #expect(try LookupSource.parse("openlibrary").get() == .openLibrary)
        #expect(
            try LookupSource.parse(" z3950:lx2.loc.gov:210/LCDB ").get()
                == .z3950(host: "lx2.loc.gov", port: 210, database: "LCDB"))
        #expect(try LookupSource.parse("sru:http://lx2.loc.gov:210/LCDB").get() == .sru(url: "http://lx2.loc.gov:210/LCDB"))
        for bad in [
            "gopher", "z3950:lx2.loc.gov/LCDB", "z3950:lx2.loc.gov:0/LCDB", "z3950::210/LCDB",
            "z3950:host:210/", "sru:ftp://x/y", "sru:nothing",
        ] {
            #expect(throws: SourceSyntaxError.self, "\(bad)") { try LookupSource.parse(bad).get() }
        }
        // What a draft says as its source is the entry as configured.
        #expect(LookupSource.z3950(host: "h", port: 9999, database: "db").description == "z3950:h:9999/db")
        #expect(try LookupSource.parseList("openlibrary, z3950:h:1/d,,").get().count == 2)
        // A login in an SRU URL is never shown to users or written to the log.
        #expect(
            LookupSource.sru(url: "https://me:secret@sru.example.org/db?x-password=secret").description
                == "sru:https://sru.example.org/db?…")
    }

    @Test func configuration() throws {
        let defaults = try #require(try AppConfig.load([:], environment: .testing).lookup)
        #expect(defaults.sources == [.openLibrary] && defaults.timeout == 4 && defaults.cacheDays == 30)
        #expect(defaults.openLibraryURL == "https://openlibrary.org")
        #expect(try AppConfig.load(["ISBN_SOURCES": ""], environment: .testing).lookup == nil)
        let set = try #require(
            try AppConfig.load(
                [
                    "ISBN_SOURCES": "sru:http://h/db,openlibrary", "LOOKUP_TIMEOUT": "1.5", "LOOKUP_CACHE_DAYS": "0",
                    "OPENLIBRARY_URL": "http://127.0.0.1:9/",
                ], environment: .testing
            ).lookup)
        #expect(set.sources == [.sru(url: "http://h/db"), .openLibrary] && set.timeout == 1.5 && set.cacheDays == 0)
        #expect(set.openLibraryURL == "http://127.0.0.1:9")
        for (name, value) in [
            ("ISBN_SOURCES", "z3950:nothing"), ("LOOKUP_TIMEOUT", "0"), ("LOOKUP_TIMEOUT", "never"),
            ("LOOKUP_CACHE_DAYS", "-2"), ("OPENLIBRARY_URL", "openlibrary.org"),
        ] {
            do {
                _ = try AppConfig.load([name: value], environment: .testing)
                Issue.record("\(name)=\(value) was accepted")
            } catch let error as ConfigError {
                #expect(error.variable == name)
            }
        }
    }

    @Test func isbn10OfAnIsbn13() {
        #expect(ISBN.isbn10(of: "9780441172719") == "0441172717")
        #expect(ISBN.isbn10(of: "9785900000015") == "590000001X")
        #expect(ISBN.isbn10(of: "9791032305690") == nil)
    }
}

@Suite struct MARCDraftTests {
    /// MARC-in-JSON as YAZ writes it (`ZOOM_record_get(rec, "json")`).
    static let goodOmens = #"""
        {"leader": "00546nam a2200181 i 4500", "fields": [
          {"001": "zb0001"}, {"008": "900101s2006    xx            000 1 eng d"},
          {"020": {"ind1": " ", "ind2": " ", "subfields": [{"a": "9780060853976 (pbk.)"}]}},
          {"100": {"ind1": "1", "ind2": " ", "subfields": [{"a": "Gaiman, Neil,"}, {"e": "author."}]}},
          {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "Good omens :"},
                   {"b": "the nice and accurate prophecies of Agnes Nutter, witch /"}, {"c": "Neil Gaiman & Terry Pratchett."}]}},
          {"250": {"ind1": " ", "ind2": " ", "subfields": [{"a": "1st Harper Torch ed."}]}},
          {"264": {"ind1": " ", "ind2": "4", "subfields": [{"c": "©1990"}]}},
          {"264": {"ind1": " ", "ind2": "1", "subfields": [{"a": "New York :"}, {"b": "HarperTorch,"}, {"c": "[2006]"}]}},
          {"300": {"ind1": " ", "ind2": " ", "subfields": [{"a": "xii, 412 p. ;"}, {"c": "18 cm"}]}},
          {"650": {"ind1": " ", "ind2": "0", "subfields": [{"a": "Antichrist."}]}},
          {"650": {"ind1": " ", "ind2": "0", "subfields": [{"a": "Antichrist."}, {"v": "Fiction."}]}},
          {"700": {"ind1": "1", "ind2": " ", "subfields": [{"a": "Pratchett, Terry,"}]}},
          {"710": {"ind1": "2", "ind2": " ", "subfields": [{"a": "Gollancz (Firm),"}]}}
        ]}
        """#

    @Test func fieldsIntoTheDraft() throws {
        let record = try MARCRecord.decode(Data(Self.goodOmens.utf8))
        let draft = try #require(record.draft(isbn: "9780060853976", source: "z3950:h:1/d"))
        #expect(draft.title == "Good omens")
        #expect(draft.subtitle == "the nice and accurate prophecies of Agnes Nutter, witch")
        #expect(draft.authors == ["Neil Gaiman", "Terry Pratchett", "Gollancz (Firm)"])
        #expect(draft.author == "Neil Gaiman, Terry Pratchett, Gollancz (Firm)")
        #expect(draft.publisher == "HarperTorch" && draft.published_year == 2006 && draft.pages == 412)
        #expect(draft.language == "eng" && draft.edition == "1st Harper Torch ed." && draft.subjects == ["Antichrist"])
        #expect(draft.isbn == "9780060853976" && draft.source == "z3950:h:1/d")
    }

    @Test func olderRecordsAndMissingFields() throws {
        let json = #"""
            {"leader": "00000cam  2200000   4500", "fields": [
              {"008": "880101s1988    ru            000 1 rus d"},
              {"245": {"ind1": "0", "ind2": "0", "subfields": [{"a": "Мастер и Маргарита"}]}},
              {"260": {"ind1": " ", "ind2": " ", "subfields": [{"b": "Художественная литература,"}]}}
            ]}
            """#
        let draft = try #require(try MARCRecord.decode(Data(json.utf8)).draft(isbn: "9785900000015", source: "s"))
        #expect(draft.title == "Мастер и Маргарита" && draft.subtitle == nil && draft.authors.isEmpty && draft.author == "")
        #expect(draft.publisher == "Художественная литература" && draft.published_year == 1988 && draft.language == "rus")
        #expect(draft.pages == nil && draft.edition == nil && draft.subjects.isEmpty)
        let untitled = #"{"leader": "x", "fields": [{"100": {"ind1": "1", "ind2": " ", "subfields": [{"a": "A, B"}]}}]}"#
        #expect(try MARCRecord.decode(Data(untitled.utf8)).draft(isbn: "1", source: "s") == nil)
    }

    @Test func textCleanUps() {
        #expect(DraftText.clean("Dune /") == "Dune")
        #expect(DraftText.clean("Herbert, Frank.") == "Herbert, Frank")
        #expect(DraftText.clean("King, Martin Luther, Jr.") == "King, Martin Luther, Jr.")
        #expect(DraftText.clean("Tolkien, J. R. R.") == "Tolkien, J. R. R.")
        #expect(DraftText.clean(" : ") == nil)
        #expect(DraftText.year("c1990.") == 1990 && DraftText.year("[1990?]") == 1990 && DraftText.year("June 2006") == 2006)
        #expect(DraftText.year("19th century") == nil && DraftText.year(nil) == nil)
        #expect(DraftText.pages("535 p. ;") == 535 && DraftText.pages("1 v. (unpaged)") == nil)
        #expect(DraftText.pages("2 v. (xii, 850 p.)") == 850 && DraftText.pages("") == nil)
        #expect(MARCRecord.forenameFirst("Herbert, Frank") == "Frank Herbert")
        #expect(MARCRecord.forenameFirst("Cher") == "Cher")
    }
}

@Suite struct DeadlineTests {
    @Test func aSlowSourceIsLeftBehindInTime() async {
        let started = Date()
        let answer = await ISBNLookup.withDeadline(0.2, fallback: "late") {
            try? await Task.sleep(nanoseconds: 8_000_000_000)
            return "answer"
        }
        // Far below the source's 8 s, with room for a loaded two-core machine running other suites.
        #expect(answer == "late" && Date().timeIntervalSince(started) < 5)
        #expect(await ISBNLookup.withDeadline(2, fallback: "late") { "answer" } == "answer")
    }

    @Test func aBlockingCallDoesNotHoldTheCaller() async {
        // A blocking call (as ZOOM's are) on a thread of its own: the deadline still answers in time.
        let started = Date()
        let answer = await ISBNLookup.withDeadline(0.2, fallback: -1) {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    Thread.sleep(forTimeInterval: 8); continuation.resume(returning: 1)
                }
            }
        }
        #expect(answer == -1 && Date().timeIntervalSince(started) < 5)
    }
}
