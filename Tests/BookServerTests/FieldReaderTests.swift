import Testing
@testable import BookServer

@Suite struct FieldReaderTests {
    @Test func collectsEveryProblemAtOnce() {
        var r = FieldReader(["title": .string(""), "published_year": .string("MCMLXV"), "pages": .bool(true)])
        _ = r.string("title", maxLength: 100)
        _ = r.string("author")
        _ = r.int("published_year")
        _ = r.int("pages", required: false)
        #expect(r.errors.fields == [
            "title": ["This field may not be blank."],
            "author": ["This field is required."],
            "published_year": ["A valid integer is required."],
            "pages": ["A valid integer is required."],
        ])
    }

    @Test func partialReadsLeaveMissingFieldsAlone() {
        var r = FieldReader([:], partial: true)
        guard case .absent = r.string("title") else { Issue.record("expected absent"); return }
        #expect(r.errors.isEmpty)
    }

    @Test func numbersAndBooleansAreReadLikeDRF() {
        var r = FieldReader(["year": .string(" 1965 "), "flag": .string("yes"), "name": .int(42)])
        guard case .value(1965?) = r.int("year"), case .value(true) = r.bool("flag"),
              case .value("42"?) = r.string("name") else { Issue.record("unexpected outcome"); return }
        #expect(r.errors.isEmpty)
    }

    @Test func rangesAreReported() {
        var r = FieldReader(["pages": .int(0)])
        _ = r.int("pages", range: 1...10)
        #expect(r.errors.fields["pages"] == ["Ensure this value is greater than or equal to 1."])
    }
}
